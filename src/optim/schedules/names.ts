/**
 * The schedules' names (canonical and aliases, as ./catalog.ts lists them) and, per name, the
 * type of its options: `createSchedule('cosin', ...)` and `createSchedule('step', { tMax })`
 * are compile errors, and an editor completes both. The option types transcribe each
 * schedule's option table (required options are the ones without a default);
 * test/optim/typed-names.test.ts checks that the names match the catalog's and each type's
 * keys match its table. A name of type `string` (a spec file, a flag) is checked when it runs.
 */

/** A number, or one per parameter group. */
type PerGroup = number | number[];

/** Options of `constant`: lr = base·factor for the first `totalIters` steps. */
export interface ConstantScheduleOptions { factor?: number; totalIters?: number }
/** Options of `step`. */
export interface StepScheduleOptions { stepSize: number; gamma?: number }
/** Options of `multistep`. */
export interface MultiStepScheduleOptions { milestones: number[]; gamma?: number }
/** Options of `exponential`. */
export interface ExponentialScheduleOptions { gamma: number }
/** Options of `polynomial`. */
export interface PolynomialScheduleOptions { totalIters?: number; power?: number }
/** Options of `cosine`. */
export interface CosineScheduleOptions { tMax: number; etaMin?: number }
/** Options of `sgdr` (cosine with warm restarts). */
export interface SgdrScheduleOptions { t0: number; tMult?: number; etaMin?: number }
/** Options of `onecycle`. */
export interface OneCycleScheduleOptions {
  maxLr: PerGroup; totalSteps: number; pctStart?: number; annealStrategy?: 'cos' | 'linear'; cycleMomentum?: boolean;
  baseMomentum?: PerGroup; maxMomentum?: PerGroup; divFactor?: number; finalDivFactor?: number; threePhase?: boolean;
}
/** Options of `cyclic`. */
export interface CyclicScheduleOptions {
  baseLr: PerGroup; maxLr: PerGroup; stepSizeUp?: number; stepSizeDown?: number | null; mode?: 'triangular' | 'triangular2' | 'exp_range';
  gamma?: number; cycleMomentum?: boolean; baseMomentum?: PerGroup; maxMomentum?: PerGroup;
}
/** Options of `linear`. */
export interface LinearScheduleOptions { startFactor?: number; endFactor?: number; totalIters?: number }
/** Options of `invsqrt`. */
export interface InvSqrtScheduleOptions { timescale?: number }
/** Options of `warmup`: a linear warmup, then the schedule named by `schedule` (if any). */
export interface WarmupScheduleOptions { warmupSteps: number; startFactor?: number; schedule?: ScheduleName | (string & {}) | null; scheduleOptions?: Record<string, unknown> }
/** Options of `plateau` (ReduceLROnPlateau). */
export interface PlateauScheduleOptions {
  mode?: 'min' | 'max'; factor?: number; patience?: number; threshold?: number; thresholdMode?: 'rel' | 'abs'; cooldown?: number; minLr?: PerGroup; eps?: number;
}

/** Each schedule's name (canonical, then PyTorch's class names and other aliases) and its options. */
export interface ScheduleOptionsByName {
  constant: ConstantScheduleOptions; constantlr: ConstantScheduleOptions;
  step: StepScheduleOptions; steplr: StepScheduleOptions;
  multistep: MultiStepScheduleOptions; multisteplr: MultiStepScheduleOptions;
  exponential: ExponentialScheduleOptions; exponentiallr: ExponentialScheduleOptions;
  polynomial: PolynomialScheduleOptions; polynomiallr: PolynomialScheduleOptions; poly: PolynomialScheduleOptions;
  cosine: CosineScheduleOptions; cosineannealinglr: CosineScheduleOptions;
  sgdr: SgdrScheduleOptions; cosine_restarts: SgdrScheduleOptions; cosineannealingwarmrestarts: SgdrScheduleOptions;
  onecycle: OneCycleScheduleOptions; onecyclelr: OneCycleScheduleOptions; one_cycle: OneCycleScheduleOptions;
  cyclic: CyclicScheduleOptions; cycliclr: CyclicScheduleOptions;
  linear: LinearScheduleOptions; linearlr: LinearScheduleOptions;
  invsqrt: InvSqrtScheduleOptions; inverse_sqrt: InvSqrtScheduleOptions;
  warmup: WarmupScheduleOptions; linear_warmup: WarmupScheduleOptions;
  plateau: PlateauScheduleOptions; reducelronplateau: PlateauScheduleOptions; reduce_on_plateau: PlateauScheduleOptions;
}

/** A schedule's name, e.g. 'cosine' or 'cosineannealinglr'. */
export type ScheduleName = keyof ScheduleOptionsByName;
