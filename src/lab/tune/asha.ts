/**
 * ASHA, the asynchronous successive halving of Li et al. 2020 ("A System for Massively Parallel
 * Hyperparameter Tuning"), in its stopping form (Ray Tune's ASHAScheduler, Optuna's
 * SuccessiveHalvingPruner): every configuration starts one trial at the full budget; after the
 * rung epochs min, min·η, min·η², … (below max) it reports its score, and it goes on only if that
 * score is in the top 1/η of the scores reported at that rung so far, else it is stopped there.
 * No rung waits for its slowest trial and nothing is trained twice: a trial that goes on keeps
 * its weights. The price is that a decision depends on the order the reports arrive in: the
 * first trials at a rung always go on, and with several workers the order varies from run to
 * run. With one worker (or `workers: 0`) the trials run and report in the study's order, so a
 * study is deterministic.
 */
import type { TrialRecord } from '../trial.js';
import type { JsonObject } from '../util.js';

/**
 * Whether a score reported at a rung goes on: it is among the best ⌊n/η⌋ (at least one) of the
 * n scores reported at that rung so far, itself included (a tie goes on). A null (failed,
 * non-finite) score never goes on.
 */
export function ashaContinues(reported: readonly (number | null)[], score: number | null, eta: number, goal: 'min' | 'max'): boolean {
  if (score === null || !Number.isFinite(score)) return false;
  const keep = Math.max(1, Math.floor(reported.length / eta));
  const better = reported.filter((s) => s !== null && Number.isFinite(s) && (goal === 'max' ? s > score : s < score)).length;
  return better < keep;
}

/**
 * The rungs of ASHA: per group of comparable trials (one method on one task at one tuning
 * seed), the scores reported at each rung epoch, in the order they arrived.
 */
export class AshaRungs {
  private readonly rungs = new Map<string, (number | null)[]>();

  /** `epochs`: the rung epochs (the decision points, below the full budget). */
  constructor(
    readonly epochs: readonly number[],
    readonly eta: number,
    readonly goal: 'min' | 'max',
  ) {}

  /** Records a score without a decision (a trial found in the store when a study resumes). */
  record(group: string, epoch: number, score: number | null): void {
    const key = `${group}@${epoch}`;
    const list = this.rungs.get(key) ?? [];
    list.push(score !== null && Number.isFinite(score) ? score : null);
    this.rungs.set(key, list);
  }

  /** Records a report and decides it: true when the trial goes on. */
  report(group: string, epoch: number, score: number | null): boolean {
    this.record(group, epoch, score);
    const reported = this.rungs.get(`${group}@${epoch}`)!;
    return ashaContinues(reported, score, this.eta, this.goal);
  }

  /** The scores reported at a rung so far (a copy). */
  reported(group: string, epoch: number): (number | null)[] {
    return [...(this.rungs.get(`${group}@${epoch}`) ?? [])];
  }
}

/** The epoch a stored trial was stopped after by a pruner, or null when it ran its full budget. */
export function prunedEpoch(record: TrialRecord | undefined): number | null {
  const p = (record?.extra as JsonObject | undefined)?.pruned;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return null;
  const e = (p as JsonObject).epoch;
  return typeof e === 'number' ? e : null;
}

/** A record's `metric` after `epoch` (its per-epoch columns); null when it has none or it is not finite. */
export function scoreAtEpoch(record: TrialRecord | undefined, metric: string, epoch: number): number | null {
  if (!record || record.status !== 'done' || !record.epochs) return null;
  const i = record.epochs.epoch?.indexOf(epoch) ?? -1;
  const v = i < 0 ? undefined : record.epochs[metric]?.[i];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
