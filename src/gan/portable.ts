/**
 * The gan module's names that run anywhere (the package root exports them as `gan`): every
 * objective, penalty, normalization, model, the trainer, the metrics, SVG sample grids, fields.
 * The Fashion-MNIST classifier (it trains on and caches to files) and PNG grids are Node only:
 * see ./index.ts.
 */
export * from './losses.js';
export * from './penalties.js';
export * from './normalization.js';
export * from './models.js';
export * from './trainer.js';
export * from './conditional.js';
export * from './metrics.js';
export * from './images.js';
export * from './field.js';
export * from './optimal.js';
