// Optimizer and schedule names and options are typed: the `@ts-expect-error` lines below make
// the typecheck fail if a typo or a foreign option stops being a compile error; the tests check
// that the typed name maps list exactly the registry's names and the schedules' option tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/tensor/creation.js';
import { createOptimizer, listOptimizers } from '../../src/optim/registry.js';
import type { OptimizerName } from '../../src/optim/names.js';
import { createSchedule, scheduleDefinitions } from '../../src/optim/schedules/index.js';
import type { ScheduleName, ScheduleOptionsByName } from '../../src/optim/schedules/names.js';

const p = () => [tensor([1, 2], { requiresGrad: true })];

test('typed names compile, typos and foreign options do not (checked by the typecheck)', () => {
  createOptimizer('adam', p(), { lr: 1e-3, betas: [0.9, 0.99] });
  createOptimizer('lookahead', p(), { optimizer: 'adam', optimizerOptions: { lr: 0.1 }, k: 5 });
  createOptimizer('lbfgs', p(), { historySize: 5, lineSearchFn: 'strongWolfe' });
  createSchedule('cosine', { tMax: 10 });
  // A name known only at run time (a user's registerOptimizer name, a flag) is a `string`.
  const fromFlag: string = 'adam';
  createOptimizer(fromFlag, p(), { lr: 0.1 });
  createSchedule(fromFlag === 'adam' ? 'step' : fromFlag, { stepSize: 2 });
  assert.throws(() => {
    // @ts-expect-error 'adamm' is not a built-in optimizer
    createOptimizer('adamm', p());
  }, /unknown optimizer 'adamm'/);
  assert.throws(() => {
    // @ts-expect-error sgd has no betas
    createOptimizer('sgd', p(), { betas: [0.9, 0.99] });
  }, /sgd: unknown option 'betas'/);
  assert.throws(() => {
    // @ts-expect-error lr is a number
    createOptimizer('adam', p(), { lr: '0.1' });
  }, /option 'lr' must be a number/);
  assert.throws(() => {
    // @ts-expect-error 'cosin' is not a schedule
    createSchedule('cosin', {});
  }, /unknown schedule 'cosin'/);
  assert.throws(() => {
    // @ts-expect-error step has no tMax
    createSchedule('step', { stepSize: 2, tMax: 3 });
  }, /unknown option 'tMax'/);
});

test('the typed optimizer names are the registry names (lower case), no more, no fewer', () => {
  const typed: Record<OptimizerName, true> = {
    sgd: true, asgd: true, adagrad: true, adadelta: true, rmsprop: true, rprop: true, adam: true, amsgrad: true, adamw: true,
    adamnc: true, adamax: true, nadam: true, radam: true, adabound: true, amsbound: true, adabelief: true, yogi: true,
    adashift: true, adafactor: true, novograd: true, lamb: true, lars: true, lion: true, signsgd: true, signum: true,
    lookahead: true, swa: true, ema: true, sam: true, gradnoise: true, lbfgs: true, newton: true, newtoncg: true,
    newtonCG: true, nonlinearcg: true, nonlinearCG: true,
  };
  const names = [...new Set(Object.keys(typed).map((n) => n.toLowerCase()))].sort();
  const builtIn = listOptimizers().filter((n) => !n.startsWith('user-')); // other tests register user-* names
  assert.deepEqual(names, builtIn);
});

type CanonicalSchedule = 'constant' | 'step' | 'multistep' | 'exponential' | 'polynomial' | 'cosine' | 'sgdr' | 'onecycle' | 'cyclic' | 'linear' | 'invsqrt' | 'warmup' | 'plateau';
/** Every option key of each schedule's type: missing or extra keys are compile errors. */
const scheduleKeys: { [N in CanonicalSchedule]: Record<keyof ScheduleOptionsByName[N], true> } = {
  constant: { factor: true, totalIters: true },
  step: { stepSize: true, gamma: true },
  multistep: { milestones: true, gamma: true },
  exponential: { gamma: true },
  polynomial: { totalIters: true, power: true },
  cosine: { tMax: true, etaMin: true },
  sgdr: { t0: true, tMult: true, etaMin: true },
  onecycle: { maxLr: true, totalSteps: true, pctStart: true, annealStrategy: true, cycleMomentum: true, baseMomentum: true, maxMomentum: true, divFactor: true, finalDivFactor: true, threePhase: true },
  cyclic: { baseLr: true, maxLr: true, stepSizeUp: true, stepSizeDown: true, mode: true, gamma: true, cycleMomentum: true, baseMomentum: true, maxMomentum: true },
  linear: { startFactor: true, endFactor: true, totalIters: true },
  invsqrt: { timescale: true },
  warmup: { warmupSteps: true, startFactor: true, schedule: true, scheduleOptions: true },
  plateau: { mode: true, factor: true, patience: true, threshold: true, thresholdMode: true, cooldown: true, minLr: true, eps: true },
};

test('the typed schedule names are the catalog names and aliases, and each type has its table\'s options', () => {
  const typedNames: Record<ScheduleName, true> = Object.fromEntries(scheduleDefinitions.flatMap((d) => [d.name, ...(d.aliases ?? [])]).map((n) => [n, true])) as Record<ScheduleName, true>;
  const catalog = scheduleDefinitions.flatMap((d) => [d.name, ...(d.aliases ?? [])]).sort();
  const expected: ScheduleName[] = [
    'constant', 'constantlr', 'step', 'steplr', 'multistep', 'multisteplr', 'exponential', 'exponentiallr', 'polynomial', 'polynomiallr', 'poly',
    'cosine', 'cosineannealinglr', 'sgdr', 'cosine_restarts', 'cosineannealingwarmrestarts', 'onecycle', 'onecyclelr', 'one_cycle',
    'cyclic', 'cycliclr', 'linear', 'linearlr', 'invsqrt', 'inverse_sqrt', 'warmup', 'linear_warmup', 'plateau', 'reducelronplateau', 'reduce_on_plateau',
  ];
  assert.deepEqual([...expected].sort(), catalog);
  assert.deepEqual(Object.keys(typedNames).sort(), catalog);
  for (const d of scheduleDefinitions) {
    const keys = scheduleKeys[d.name as CanonicalSchedule];
    assert.ok(keys, `schedule '${d.name}' has no typed options in src/optim/schedules/names.ts`);
    assert.deepEqual(Object.keys(keys).sort(), Object.keys(d.options).sort(), d.name);
    for (const [k, spec] of Object.entries(d.options)) {
      if (spec.default === undefined) assert.ok((REQUIRED[d.name as CanonicalSchedule] as string[] | undefined)?.includes(k), `${d.name}.${k} is required`);
    }
  }
});

/** The keys a type requires (not optional). */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** The options without a default: the test checks the table's, the type that each is required in the schedule's type. */
const REQUIRED: { [N in CanonicalSchedule]?: RequiredKeys<ScheduleOptionsByName[N]>[] } = {
  step: ['stepSize'], multistep: ['milestones'], exponential: ['gamma'], cosine: ['tMax'], sgdr: ['t0'],
  onecycle: ['maxLr', 'totalSteps'], cyclic: ['baseLr', 'maxLr'], warmup: ['warmupSteps'],
};
