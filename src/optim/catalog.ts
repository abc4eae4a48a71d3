/**
 * Every built-in first-order optimizer, one line each: the registry reads this list (with
 * wrappers/catalog.ts and second-order/catalog.ts) and nothing registers itself on import.
 * Adding an optimizer: write src/optim/methods/NAME.ts with `defineOptimizer({...})` and add
 * its class here. Order is free: `listOptimizers()` sorts by name.
 */
import type { OptimizerClass } from './define.js';
import { AdaBelief } from './methods/adabelief.js';
import { AdaBound } from './methods/adabound.js';
import { Adadelta } from './methods/adadelta.js';
import { Adafactor } from './methods/adafactor.js';
import { Adagrad } from './methods/adagrad.js';
import { Adam, AdamNC, AdamW } from './methods/adam.js';
import { Adamax } from './methods/adamax.js';
import { AdaShift } from './methods/adashift.js';
import { ASGD } from './methods/asgd.js';
import { Lamb } from './methods/lamb.js';
import { Lars } from './methods/lars.js';
import { Lion } from './methods/lion.js';
import { NAdam } from './methods/nadam.js';
import { NovoGrad } from './methods/novograd.js';
import { RAdam } from './methods/radam.js';
import { RMSprop } from './methods/rmsprop.js';
import { Rprop } from './methods/rprop.js';
import { SGD } from './methods/sgd.js';
import { SignSGD, Signum } from './methods/sign.js';
import { Yogi } from './methods/yogi.js';

/** The first-order optimizer classes; each carries its registry entries (the method and its aliases). */
export const firstOrderOptimizers: readonly OptimizerClass<any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  SGD,
  ASGD,
  Adagrad,
  Adadelta,
  RMSprop,
  Rprop,
  Adam,
  AdamW,
  AdamNC,
  Adamax,
  NAdam,
  RAdam,
  AdaBound,
  AdaBelief,
  Yogi,
  AdaShift,
  Adafactor,
  NovoGrad,
  Lamb,
  Lars,
  Lion,
  SignSGD,
  Signum,
];
