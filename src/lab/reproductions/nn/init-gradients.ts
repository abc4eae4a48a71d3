/**
 * Gradient explosion and vanishing against initialization (seed 002 §4.1): per-layer gradient
 * norms of a deep MLP (default 20 hidden layers of 64 units) on a Fashion-MNIST batch, at
 * initialization and after some SGD steps, with zero, naive normal (N(0, 0.01²)), Xavier,
 * Kaiming, LSUV and orthogonal initialization, tanh and ReLU, with and without batch
 * normalization after every hidden Linear layer. Orthogonal weights on deep tanh networks are
 * the dynamical-isometry case (Saxe et al. 2014; Pennington et al. 2017).
 *
 * The figures of merit are the per-weight gradient scale (RMS of ∇W_l) and its spread
 * log10(max_l / min_l) over the hidden layers: near 0 the gradient reaches every layer at the
 * same scale. The task is
 * `init-gradients`.
 */
import { z } from 'zod';
import { BatchNorm1d, crossEntropy, Flatten, init, Linear, ReLU, Sequential, Tanh, type Module } from '../../../nn/index.js';
import { createOptimizer } from '../../../optim/index.js';
import { Generator, type Tensor } from '../../../tensor/index.js';
import { slice, subset } from '../regularize/data.js';
import { analysisOf, type Claim, curvesChart, fmt, optionsSchema, PlotSink, type Reproduction, type Scale, type TaskDef, type TrialConfig, type TrialOutput } from '../kit.js';

export const INITS = ['zero', 'normal', 'xavier', 'kaiming', 'lsuv', 'orthogonal'] as const;
export type InitName = (typeof INITS)[number];

export interface InitGradientOptions {
  depth: number;
  width: number;
  activation: 'tanh' | 'relu';
  init: InitName;
  batchNorm: boolean;
  batch: number;
  steps: number;
  lr: number;
}

/** The deep MLP and its hidden Linear layers (the output layer last, not among them). */
function buildDeepMLP(o: InitGradientOptions, gen: Generator): { model: Sequential; hidden: Linear[] } {
  const layers: Module[] = [new Flatten()];
  const hidden: Linear[] = [];
  let width = 784;
  for (let l = 0; l < o.depth; l++) {
    const lin = new Linear(width, o.width, { generator: gen });
    hidden.push(lin);
    layers.push(lin);
    if (o.batchNorm) layers.push(new BatchNorm1d(o.width));
    layers.push(o.activation === 'tanh' ? new Tanh() : new ReLU());
    width = o.width;
  }
  layers.push(new Linear(width, 10, { generator: gen }));
  return { model: new Sequential(...layers), hidden };
}

/** Initializes every Linear weight (biases 0) by `name`; LSUV needs the data batch. */
function initialize(model: Sequential, name: InitName, activation: 'tanh' | 'relu', x: Tensor, gen: Generator): void {
  const linears = model.modules().filter((m): m is Linear => m instanceof Linear);
  for (const lin of linears) {
    lin.bias?.data.fill(0);
    const w = lin.weight;
    switch (name) {
      case 'zero': init.constant(w, 0); break;
      case 'normal': init.normal(w, 0, 0.01, { generator: gen }); break;
      case 'xavier': init.xavierNormal(w, { generator: gen, gain: init.calculateGain(activation) }); break;
      case 'kaiming': init.kaimingNormal(w, { generator: gen, nonlinearity: activation }); break;
      case 'orthogonal': init.orthogonal(w, { generator: gen, gain: init.calculateGain(activation) }); break;
      case 'lsuv': break;
    }
  }
  if (name === 'lsuv') init.lsuv(model, x, { generator: gen });
}

/**
 * The root-mean-square gradient ‖∇W_l‖/√(numel) of each hidden layer after one backward pass
 * on the batch (per weight, so the 784-input first layer compares with the others).
 */
function gradientNorms(model: Sequential, hidden: Linear[], x: Tensor, y: Tensor): number[] {
  for (const p of model.parameters()) p.grad = null;
  crossEntropy(model.forward(x), y).backward();
  return hidden.map((l) => (l.weight.grad ? Math.sqrt(Array.from(l.weight.grad.data).reduce((s, v) => s + v * v, 0) / l.weight.grad.data.length) : 0));
}

/** log10(max/min) of the norms; Infinity where some layer's gradient is exactly 0 and another's is not. */
export function spreadOf(norms: number[]): number {
  const max = Math.max(...norms);
  const min = Math.min(...norms);
  if (max === 0) return 0;
  return min === 0 ? Infinity : Math.log10(max / min);
}

export function runInitGradients(config: TrialConfig, o: InitGradientOptions): TrialOutput {
  const gen = new Generator(config.seed);
  const data = slice(subset().train, 0, o.batch);
  const { model, hidden } = buildDeepMLP(o, gen);
  initialize(model, o.init, o.activation, data.x, gen);
  model.train();
  const atInit = gradientNorms(model, hidden, data.x, data.y);
  const opt = createOptimizer('sgd', model.parameters(), { lr: o.lr });
  let loss = NaN;
  for (let t = 0; t < o.steps; t++) {
    opt.zeroGrad();
    const l = crossEntropy(model.forward(data.x), data.y);
    loss = l.item();
    l.backward();
    opt.step();
  }
  const trained = gradientNorms(model, hidden, data.x, data.y);
  const first = (v: number[]): number => v[0];
  const last = (v: number[]): number => v[v.length - 1];
  return {
    epochs: { layer: hidden.map((_, i) => i + 1), gradNormInit: atInit, gradNormTrained: trained },
    final: {
      spreadInit: Number.isFinite(spreadOf(atInit)) ? spreadOf(atInit) : null,
      spreadTrained: Number.isFinite(spreadOf(trained)) ? spreadOf(trained) : null,
      firstOverLastInit: last(atInit) > 0 ? first(atInit) / last(atInit) : null,
      maxGradInit: Math.max(...atInit),
      loss: Number.isFinite(loss) ? loss : null,
    },
  };
}

export const initGradientsTask: TaskDef = {
  name: 'init-gradients',
  title: 'Per-layer gradient norms of a deep MLP against its initialization',
  description: 'deep MLP (depth x width, tanh or ReLU, optional BatchNorm) on a Fashion-MNIST batch: the RMS of ∇W_l per hidden layer at initialization and after `steps` SGD steps',
  schema: optionsSchema({
    depth: z.number().int().min(2).max(100).default(20),
    width: z.number().int().positive().default(64),
    activation: z.enum(['tanh', 'relu']).default('tanh'),
    init: z.enum(INITS).default('xavier'),
    batchNorm: z.boolean().default(false),
    batch: z.number().int().positive().default(128),
    steps: z.number().int().min(0).default(20),
    lr: z.number().positive().default(0.01),
  }),
  primary: { metric: 'spreadInit', goal: 'min' },
  defaultLr: () => 0.01,
  run: (config, options) => runInitGradients(config, options as unknown as InitGradientOptions),
};

export function initSettings(scale: Scale): { depth: number; width: number; batch: number; steps: number } {
  return scale === 'full' ? { depth: 50, width: 128, batch: 256, steps: 100 } : { depth: 20, width: 32, batch: 64, steps: 10 };
}

export const initGradients: Reproduction = {
  name: 'init-gradients',
  title: 'Vanishing and exploding gradients against initialization in a deep MLP, with and without batch normalization',
  source: 'seed 002 §4.1 (initialization); Glorot and Bengio 2010, He et al. 2015, Saxe et al. 2014, Mishkin and Matas 2016, Ioffe and Szegedy 2015',
  summary: 'Per-layer gradient norms of a 20-50 layer MLP at initialization and after training: zero init gives no hidden gradient, naive N(0, 0.01²) vanishes, Xavier (tanh) / Kaiming (ReLU) / orthogonal / LSUV keep every layer at one scale; batch normalization rescues the naive init.',
  trials(scale) {
    const s = initSettings(scale);
    const method = { label: 'SGD', optimizer: 'sgd', options: { lr: 0.01 } };
    const out: TrialConfig[] = [];
    for (const activation of ['tanh', 'relu'] as const) for (const batchNorm of [false, true]) for (const name of INITS) {
      out.push({ task: 'init-gradients', taskOptions: { ...s, lr: 0.01, activation, init: name, batchNorm }, method, seed: 0, tags: { activation, init: name, batchNorm } });
    }
    return out;
  },
  async analyze(records, plotDir, scale) {
    const s = initSettings(scale);
    const sink = new PlotSink(plotDir);
    const done = records.filter((r) => r.status === 'done');
    const find = (activation: string, name: string, bn: boolean) => done.find((r) => r.config.tags?.activation === activation && r.config.tags?.init === name && r.config.tags?.batchNorm === bn);
    const rows: string[][] = [];
    for (const activation of ['tanh', 'relu']) for (const bn of [false, true]) for (const name of INITS) {
      const r = find(activation, name, bn);
      if (!r) continue;
      const g = r.epochs!.gradNormInit;
      rows.push([activation, bn ? 'yes' : 'no', name, g[0].toExponential(2), g[g.length - 1].toExponential(2), r.final.spreadInit === null ? '∞' : fmt(r.final.spreadInit as number, 3), r.final.spreadTrained === null ? '∞' : fmt(r.final.spreadTrained as number, 3), r.final.loss === null ? 'diverged' : fmt(r.final.loss as number, 4)]);
    }
    for (const activation of ['tanh', 'relu']) {
      const series = INITS.map((name) => find(activation, name, false)).filter((r) => r && r.epochs!.gradNormInit.some((v) => v > 0)).map((r) => ({ label: r!.config.tags!.init as string, x: r!.epochs!.layer, mean: r!.epochs!.gradNormInit.map((v) => Math.max(v, 1e-30)) }));
      await sink.add(curvesChart(series, { name: `grad-norms-${activation}`, title: `RMS of ∇W_l per hidden layer at initialization (${activation}, no batch norm)`, xTitle: 'layer', yTitle: 'RMS gradient', logY: true }));
    }
    const claims: Claim[] = [];
    const figures: Record<string, number | null> = {};
    for (const r of done) figures[`${r.config.tags!.activation}:${r.config.tags!.init}:${r.config.tags!.batchNorm ? 'bn' : 'plain'}:spreadInit`] = r.final.spreadInit ?? null;
    const zero = find('tanh', 'zero', false);
    if (zero) claims.push({ claim: 'Zero initialization: no hidden layer gets a gradient (the symmetry is never broken)', holds: zero.epochs!.gradNormInit.every((v) => v === 0) && zero.epochs!.gradNormTrained.every((v) => v === 0), detail: `largest hidden gradient norm ${zero.final.maxGradInit}` });
    const maxGrad = (a: string, n: string, bn = false): number => (find(a, n, bn)?.final.maxGradInit as number | undefined) ?? NaN;
    claims.push({ claim: `Naive N(0, 0.01²), ${s.depth} layers: the gradient vanishes (every hidden layer's RMS gradient below 1e-10, tanh and ReLU)`, holds: ['tanh', 'relu'].every((a) => maxGrad(a, 'normal') < 1e-10), detail: ['tanh', 'relu'].map((a) => `${a}: ${maxGrad(a, 'normal').toExponential(2)} (Xavier ${maxGrad(a, 'xavier').toExponential(2)})`).join('; ') });
    const spread = (a: string, n: string, bn = false): number => (find(a, n, bn)?.final.spreadInit as number | null) ?? Infinity;
    claims.push({ claim: 'Xavier (tanh) and Kaiming (ReLU) keep every hidden layer within one decade at initialization', holds: spread('tanh', 'xavier') < 1 && spread('relu', 'kaiming') < 1, detail: `spreads ${fmt(spread('tanh', 'xavier'), 3)}, ${fmt(spread('relu', 'kaiming'), 3)} decades` });
    claims.push({ claim: 'Orthogonal and LSUV keep every hidden layer within one decade (tanh and ReLU)', holds: ['tanh', 'relu'].every((a) => spread(a, 'orthogonal') < 1 && spread(a, 'lsuv') < 1), detail: ['tanh', 'relu'].map((a) => `${a}: orthogonal ${fmt(spread(a, 'orthogonal'), 3)}, LSUV ${fmt(spread(a, 'lsuv'), 3)}`).join('; ') });
    claims.push({ claim: 'Dynamical isometry: on the deep tanh network orthogonal weights spread the gradient scales no more than Xavier\'s Gaussian weights', holds: spread('tanh', 'orthogonal') <= spread('tanh', 'xavier'), detail: `${fmt(spread('tanh', 'orthogonal'), 3)} vs ${fmt(spread('tanh', 'xavier'), 3)} decades` });
    // The smallest hidden layer's RMS gradient: the largest over 10^spread.
    const minGrad = (a: string, n: string, bn = false): number => maxGrad(a, n, bn) / 10 ** spread(a, n, bn);
    claims.push({ claim: 'Batch normalization rescues the naive N(0, 0.01²) initialization (every hidden layer\'s RMS gradient above 1e-6, tanh and ReLU)', holds: ['tanh', 'relu'].every((a) => minGrad(a, 'normal', true) > 1e-6), detail: ['tanh', 'relu'].map((a) => `${a}: smallest ${minGrad(a, 'normal', true).toExponential(2)} with BN, largest ${maxGrad(a, 'normal').toExponential(2)} without`).join('; ') });
    return analysisOf([{
      title: `A ${s.depth}-layer MLP of width ${s.width}`,
      text: [`Root-mean-square gradients of each hidden layer's weight from one batch of ${s.batch} Fashion-MNIST images (cross-entropy), at initialization and after ${s.steps} SGD steps (lr 0.01) on that batch. Spread: log10(max/min) over the hidden layers.`],
      claims,
      tables: [{ headers: ['activation', 'batch norm', 'init', 'RMS ∇W_1', `RMS ∇W_${s.depth}`, 'spread at init', 'spread after training', 'final loss'], rows, caption: 'per-layer gradient norms (first and last hidden layer) and their spread in decades' }],
      plots: sink.plots,
    }], figures);
  },
};
