/** Timing helpers shared by the benchmark processes: warm up, repeat, report the median. */

export const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);

/** Whether workload `name` is selected (BENCH_ONLY=prefix,prefix...). */
export function wanted(name: string): boolean {
  return ONLY.length === 0 || ONLY.some((o) => name.startsWith(o));
}

/** The workloads that need a fresh process each (bench/run.ts starts one per name; see named). */
export const FRESH_WORKLOADS = ['mlp-epoch-loop', 'first20-mlp', 'first20-matmul512'];

/**
 * Whether workload `name` was asked for by name (BENCH_ONLY lists it): the workloads that must
 * run in a fresh process of their own (bench/run.ts starts one for each) run only then, and
 * never in a process started with BENCH_NO_FRESH=1.
 */
export function named(name: string): boolean {
  return process.env.BENCH_NO_FRESH !== '1' && ONLY.some((o) => name.startsWith(o));
}

export interface Timing {
  /** Median wall time of one repetition, ms. */
  ms: number;
  /** Fastest repetition, ms. */
  minMs: number;
  reps: number;
}

/**
 * Runs `fn` for at least `minTime` ms and `minReps` repetitions (after `warmup` untimed calls,
 * and at most `maxReps`) and returns the median time.
 */
export function timeit(fn: () => unknown, options: { minTime?: number; minReps?: number; maxReps?: number; warmup?: number } = {}): Timing {
  let { minTime = 1000, minReps = 3, warmup = 3 } = options;
  const maxReps = options.maxReps ?? 5000;
  if (QUICK) {
    minTime = Math.min(minTime, 200);
    minReps = Math.min(minReps, 2);
    warmup = Math.min(warmup, 1);
  }
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while ((times.length < minReps || performance.now() - start < minTime) && times.length < maxReps) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], minMs: times[0], reps: times.length };
}

/** One result line, read by bench/run.ts. */
export function emit(lib: string, name: string, ms: number, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ lib, name, ms, ...extra }));
}

export const SGEMM_SIZES = [128, 512, 1024];
export const ADAM_SIZES = [1_000_000, 10_000_000];
/** Slow libraries train on this many batches of the epoch and extrapolate to the whole one. */
export const PARTIAL_EPOCH_BATCHES = 40;
