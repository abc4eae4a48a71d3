/**
 * The built-in optimizers' names and, per name, the type of its options: what makes
 * `createOptimizer('adamm', ...)` and `createOptimizer('sgd', p, { betas })` compile errors and
 * lets an editor complete names and options.
 *
 * The option types are read off the classes the catalogs list (./catalog.ts,
 * ./wrappers/catalog.ts, ./second-order/catalog.ts), so they cannot drift from what each class
 * accepts; the names are the registry's, and test/optim/typed-names.test.ts checks that this
 * map and the registry list the same ones.
 *
 * Users' own optimizers (`registerOptimizer`) are built by a name of type `string`, which is
 * never checked at compile time, or get typed by adding their entry to this interface:
 * `declare module 'descent' { interface OptimizerOptionsByName { myopt: { lr?: number } } }`.
 */
import type { OptimizerClass } from './define.js';
import type { AdaBelief } from './methods/adabelief.js';
import type { AdaBound } from './methods/adabound.js';
import type { Adadelta } from './methods/adadelta.js';
import type { Adafactor } from './methods/adafactor.js';
import type { Adagrad } from './methods/adagrad.js';
import type { Adam, AdamNC, AdamW } from './methods/adam.js';
import type { Adamax } from './methods/adamax.js';
import type { AdaShift } from './methods/adashift.js';
import type { ASGD } from './methods/asgd.js';
import type { Lamb } from './methods/lamb.js';
import type { Lars } from './methods/lars.js';
import type { Lion } from './methods/lion.js';
import type { NAdam } from './methods/nadam.js';
import type { NovoGrad } from './methods/novograd.js';
import type { RAdam } from './methods/radam.js';
import type { RMSprop } from './methods/rmsprop.js';
import type { Rprop } from './methods/rprop.js';
import type { SGD } from './methods/sgd.js';
import type { SignSGD, Signum } from './methods/sign.js';
import type { Yogi } from './methods/yogi.js';
import type { LBFGS } from './second-order/lbfgs.js';
import type { Newton } from './second-order/newton.js';
import type { NewtonCG } from './second-order/newton-cg.js';
import type { NonlinearCG } from './second-order/nonlinear-cg.js';
import type { EMA, SWA } from './wrappers/averaging.js';
import type { Lookahead } from './wrappers/lookahead.js';
import type { GradientNoise } from './wrappers/noise.js';
import type { SAM } from './wrappers/sam.js';

/** The options a first-order class takes (all optional: defaults fill the rest). */
type ClassOptions<C> = C extends OptimizerClass<infer O> ? Partial<O> : never;
/** The options argument of a constructor `(first, options)`. */
type CtorOptions<C extends abstract new (...args: any) => unknown> = NonNullable<ConstructorParameters<C>[1]>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** A wrapper's options: its own, plus the inner optimizer by name and that optimizer's options. */
type Wrapped<O> = O & { optimizer?: OptimizerName | (string & {}); optimizerOptions?: Record<string, unknown> };

/** Each built-in optimizer's registry name and the type of its options. */
export interface OptimizerOptionsByName {
  sgd: ClassOptions<typeof SGD>;
  asgd: ClassOptions<typeof ASGD>;
  adagrad: ClassOptions<typeof Adagrad>;
  adadelta: ClassOptions<typeof Adadelta>;
  rmsprop: ClassOptions<typeof RMSprop>;
  rprop: ClassOptions<typeof Rprop>;
  adam: ClassOptions<typeof Adam>;
  amsgrad: ClassOptions<typeof Adam>;
  adamw: ClassOptions<typeof AdamW>;
  adamnc: ClassOptions<typeof AdamNC>;
  adamax: ClassOptions<typeof Adamax>;
  nadam: ClassOptions<typeof NAdam>;
  radam: ClassOptions<typeof RAdam>;
  adabound: ClassOptions<typeof AdaBound>;
  amsbound: ClassOptions<typeof AdaBound>;
  adabelief: ClassOptions<typeof AdaBelief>;
  yogi: ClassOptions<typeof Yogi>;
  adashift: ClassOptions<typeof AdaShift>;
  adafactor: ClassOptions<typeof Adafactor>;
  novograd: ClassOptions<typeof NovoGrad>;
  lamb: ClassOptions<typeof Lamb>;
  lars: ClassOptions<typeof Lars>;
  lion: ClassOptions<typeof Lion>;
  signsgd: ClassOptions<typeof SignSGD>;
  signum: ClassOptions<typeof Signum>;
  lookahead: Wrapped<CtorOptions<typeof Lookahead>>;
  swa: Wrapped<CtorOptions<typeof SWA>>;
  ema: Wrapped<CtorOptions<typeof EMA>>;
  sam: Wrapped<CtorOptions<typeof SAM>>;
  gradnoise: Wrapped<CtorOptions<typeof GradientNoise>>;
  lbfgs: CtorOptions<typeof LBFGS>;
  newton: CtorOptions<typeof Newton>;
  newtoncg: CtorOptions<typeof NewtonCG>;
  /** The catalog's spelling of `newtoncg` (names are case-insensitive). */
  newtonCG: CtorOptions<typeof NewtonCG>;
  nonlinearcg: CtorOptions<typeof NonlinearCG>;
  /** The catalog's spelling of `nonlinearcg`. */
  nonlinearCG: CtorOptions<typeof NonlinearCG>;
}

/** A built-in optimizer's name, e.g. 'adam'. */
export type OptimizerName = keyof OptimizerOptionsByName;

/** The options `createOptimizer(name, ...)` accepts for a built-in `name`. */
export type OptimizerOptionsFor<N extends OptimizerName> = OptimizerOptionsByName[N];

/**
 * A name given as a wide `string` (read from a file or a flag: checked when it runs), never a
 * string literal outside {@link OptimizerName} (a typo caught when it compiles).
 */
export type UncheckedName<N extends string> = string extends N ? N : never;
