/**
 * Running a study: the tuning trials of every method (all at once for grid and quasi-random
 * search, rung by rung for successive halving, once each under a pruner for asha), the best
 * configuration of each method, then that configuration rerun over the final seeds. Trials go through an injectable runner with
 * `runTrials`'s signature (a queue-backed one spreads them over machines); the store skips what
 * it has, so a second run of the same study runs nothing. `study.json` in the run directory
 * records every configuration's scores per rung and whether it completed or was stopped.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { runTrials, type TrialPruner, type RunnerEvent, type RunTrialsOptions, type RunTrialsResult } from '../runner.js';
import type { RunStore } from '../store.js';
import { trialId, type TrialConfig, type TrialRecord } from '../trial.js';
import { mean, type JsonObject } from '../util.js';
import { AshaRungs, prunedEpoch, scoreAtEpoch } from './asha.js';
import { promote, rankIndices, rungBudgets } from './halving.js';
import { trialOf, type MethodStudy, type StudyPlan } from './plan.js';

/** What executes a batch of trials: {@link runTrials} or one with its signature. */
export type TrialRunner = (o: RunTrialsOptions) => Promise<RunTrialsResult>;

/** One candidate configuration's fate. */
export interface CandidateResult {
  options: JsonObject;
  /** Its score at each rung it ran (one rung for grid and quasi-random search); null: failed. */
  scores: (number | null)[];
  /** The budget of each of those rungs (null without a budget option). */
  budgets: (number | null)[];
  /** 'completed': ran at the full budget; 'stopped': not promoted past its last rung (asha: a trial stopped at a rung). */
  status: 'completed' | 'stopped';
  /** The tuning trials' ids, every rung and seed. */
  trialIds: string[];
  /**
   * Budget units (epochs, steps) its tuning trials trained, over every rung and seed
   * (successive halving retrains each rung from the start; asha trains each trial once, up to
   * where it was stopped). Absent without a budget.
   */
  trained?: number;
  /** Where a stopped configuration stopped: the budget of its last rung (asha: the epoch it was stopped after). */
  stoppedAt?: number;
}

/** The trials of asha run once, stopped as they report; see ./asha.ts. */
async function runAsha(
  plan: StudyPlan,
  results: MethodStudyResult[],
  o: RunStudyOptions,
  runBatch: (trials: TrialConfig[], pruner?: TrialPruner) => Promise<Map<string, TrialRecord>>,
  phase: (line: string) => void,
): Promise<void> {
  const { spec, metric, goal } = plan;
  const budget = spec.search.budget!;
  const budgets = rungBudgets(budget.min, budget.max, spec.search.eta);
  const asks = budgets.slice(0, -1);
  const rungs = new AshaRungs(asks, spec.search.eta, goal);
  // Every trial at the full budget; a trial's group is its method's study and its tuning seed.
  const group = new Map<string, string>();
  const trialsOf = (r: MethodStudyResult, s: number, i: number): TrialConfig[] =>
    spec.tuningSeeds.map((seed) => {
      const t = trialOf(r.study, r.candidates[i].options, seed, { tuning: true, budget: { option: budget.option, value: budget.max } });
      group.set(trialId(t), `${s}/${seed}`);
      return t;
    });
  const batch = results.flatMap((r, s) => r.candidates.flatMap((_, i) => trialsOf(r, s, i)));
  // A resumed study: the stored trials' reports enter the rungs first, in the study's order
  // (the order a one-worker run reported them in), so the pending trials' decisions come out the same.
  if (!o.fresh) {
    const stored = new Map(o.store.trials().filter((x) => x.status === 'done').map((x) => [x.id, x]));
    for (const t of batch) {
      const rec = stored.get(trialId(t));
      if (!rec) continue;
      const reached = prunedEpoch(rec) ?? budget.max;
      for (const e of asks) if (e <= reached) rungs.record(group.get(rec.id)!, e, scoreAtEpoch(rec, metric, e));
    }
  }
  const pruner: TrialPruner = {
    asks: (id) => (group.has(id) ? asks : []),
    decide: (id, _config, epoch, values) => {
      const v = values[metric];
      return !rungs.report(group.get(id)!, epoch, typeof v === 'number' ? v : null);
    },
  };
  phase(`tuning: asha over ${budget.option} ${budgets.join(', ')} (η ${spec.search.eta}), ${batch.length} trials`);
  const records = await runBatch(batch, pruner);
  results.forEach((r, s) => {
    r.candidates.forEach((c, i) => {
      const recs = trialsOf(r, s, i).map((t) => records.get(trialId(t)));
      c.trialIds.push(...trialsOf(r, s, i).map(trialId));
      const stops = recs.map((x) => (x?.status === 'done' ? prunedEpoch(x) : 0));
      const reached = Math.min(...stops.map((e) => e ?? budget.max));
      c.trained = recs.reduce((n, x, k) => n + (x?.status === 'done' ? (stops[k] ?? budget.max) : 0), 0);
      for (const b of budgets) {
        if (b > reached) break;
        const scores = recs.map((x) => (b === budget.max ? scoreOf(x, metric) : scoreAtEpoch(x, metric, b)));
        c.budgets.push(b);
        c.scores.push(scores.some((x) => x === null) ? null : mean(scores as number[]));
      }
      if (c.budgets.length === 0) {
        // A failed trial: no rung reached.
        c.budgets.push(budgets[0]);
        c.scores.push(null);
      }
      const completed = recs.every((x) => x?.status === 'done') && stops.every((e) => e === null);
      c.status = completed ? 'completed' : 'stopped';
      if (!completed && reached > 0) c.stoppedAt = reached;
    });
  });
}

/** One method's study on one task, finished. */
export interface MethodStudyResult {
  study: MethodStudy;
  candidates: CandidateResult[];
  /** Index of the best completed candidate (null when every one failed). */
  best: number | null;
  /** The final runs of the best configuration, one per seed. */
  finals: TrialRecord[];
}

export interface StudyResult {
  plan: StudyPlan;
  methods: MethodStudyResult[];
  /** Trials run now, and found in the store, over every phase. */
  ran: number;
  skipped: number;
  failed: number;
}

export interface RunStudyOptions {
  store: RunStore;
  runner?: TrialRunner;
  workers?: number;
  fresh?: boolean;
  onEvent?: (e: RunnerEvent) => void;
  /** A line per phase ("tuning: rung 1 of 3, budget 1", ...). */
  onPhase?: (line: string) => void;
}

/** The score of a record under the plan's metric: null when it failed or is not finite. */
export function scoreOf(record: TrialRecord | undefined, metric: string): number | null {
  if (!record || record.status !== 'done') return null;
  const v = record.final[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The mean score of a candidate's seeds (null if any seed failed). */
function meanScore(records: Map<string, TrialRecord>, ids: readonly string[], metric: string): number | null {
  const scores = ids.map((id) => scoreOf(records.get(id), metric));
  return scores.some((s) => s === null) ? null : mean(scores as number[]);
}

export async function runStudy(plan: StudyPlan, o: RunStudyOptions): Promise<StudyResult> {
  const runner = o.runner ?? runTrials;
  const phase = o.onPhase ?? (() => {});
  const totals = { ran: 0, skipped: 0, failed: 0 };
  const runBatch = async (trials: TrialConfig[], pruner?: TrialPruner): Promise<Map<string, TrialRecord>> => {
    const r = await runner({ store: o.store, trials, workers: o.workers, fresh: o.fresh, onEvent: o.onEvent, ...(pruner ? { pruner } : {}) });
    totals.ran += r.ran;
    totals.skipped += r.skipped;
    totals.failed += r.failed;
    return new Map(r.records.map((x) => [x.id, x]));
  };
  const { spec, metric, goal } = plan;
  const tuningSeeds = spec.tuningSeeds;
  const halving = spec.search.method === 'asha' || spec.search.method === 'successive-halving';
  const asha = spec.search.method === 'asha';
  const budget = halving ? spec.search.budget! : undefined;
  const budgets: (number | null)[] = budget ? rungBudgets(budget.min, budget.max, spec.search.eta) : [null];
  const results: MethodStudyResult[] = plan.studies.map((study) => ({
    study,
    candidates: study.candidates.map((options) => ({ options, scores: [], budgets: [], status: 'stopped' as const, trialIds: [] })),
    best: null,
    finals: [],
  }));
  if (asha) await runAsha(plan, results, o, runBatch, phase);
  // Successive halving (and grid, quasi-random: one rung): per study, the candidates still in the race.
  let alive = asha ? [] : results.map((r) => r.candidates.map((_, i) => i));
  for (const [rung, b] of (asha ? [] : budgets).entries()) {
    phase(budget ? `tuning: rung ${rung + 1} of ${budgets.length}, ${budget.option} ${b}, ${alive.reduce((n, a) => n + a.length, 0)} configurations` : `tuning: ${alive.reduce((n, a) => n + a.length, 0)} configurations`);
    const trialsOf = (r: MethodStudyResult, i: number): TrialConfig[] =>
      tuningSeeds.map((seed) => trialOf(r.study, r.candidates[i].options, seed, { tuning: true, budget: budget ? { option: budget.option, value: b! } : undefined }));
    const batch = results.flatMap((r, s) => alive[s].flatMap((i) => trialsOf(r, i)));
    const records = await runBatch(batch);
    alive = results.map((r, s) => {
      const scores = alive[s].map((i) => {
        const ids = trialsOf(r, i).map(trialId);
        const c = r.candidates[i];
        c.trialIds.push(...ids);
        c.budgets.push(b);
        if (b !== null) c.trained = (c.trained ?? 0) + b * ids.length;
        const score = meanScore(records, ids, metric);
        c.scores.push(score);
        return score;
      });
      if (rung === budgets.length - 1) {
        for (const i of alive[s]) r.candidates[i].status = 'completed';
        return [];
      }
      const promoted = promote(scores, goal, spec.search.eta).map((k) => alive[s][k]);
      for (const i of alive[s]) if (!promoted.includes(i) && b !== null) r.candidates[i].stoppedAt = b;
      return promoted;
    });
  }
  for (const r of results) {
    const completed = r.candidates.map((c, i) => ({ c, i })).filter(({ c }) => c.status === 'completed');
    const ranked = rankIndices(completed.map(({ c }) => c.scores[c.scores.length - 1]), goal);
    const top = completed[ranked[0]];
    r.best = top && top.c.scores[top.c.scores.length - 1] !== null ? top.i : null;
  }
  phase(`final runs: the best configuration of each method over ${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'}`);
  // After successive halving the final runs get the full budget.
  const finalBudget = budget ? { option: budget.option, value: budget.max } : undefined;
  const finalOf = (r: MethodStudyResult, seed: number): TrialConfig => trialOf(r.study, r.candidates[r.best!].options, seed, { tuning: false, budget: finalBudget });
  const finalRecords = await runBatch(results.flatMap((r) => (r.best === null ? [] : plan.seeds.map((seed) => finalOf(r, seed)))));
  for (const r of results) {
    if (r.best === null) continue;
    r.finals = plan.seeds.map((seed) => finalRecords.get(trialId(finalOf(r, seed)))).filter((x): x is TrialRecord => x !== undefined);
  }
  const result = { plan, methods: results, ...totals };
  writeStudyFile(o.store.dir, result);
  return result;
}

/** `study.json`: the study's configurations, their scores per rung, status and the winners. */
export function writeStudyFile(dir: string, r: StudyResult): void {
  const doc = {
    name: r.plan.name,
    metric: r.plan.metric,
    goal: r.plan.goal,
    search: r.plan.spec.search,
    methods: r.methods.map((m) => ({
      task: m.study.taskLabel,
      method: m.study.method.label,
      best: m.best === null ? null : m.candidates[m.best].options,
      candidates: m.candidates,
      finals: m.finals.map((f) => f.id),
    })),
  };
  writeFileAtomic(join(dir, 'study.json'), JSON.stringify(doc, null, 2) + '\n', 'tuning study');
}
