/**
 * Successive halving (Jamieson and Talwalkar 2016; the rung rule of ASHA, Li et al. 2020):
 * every configuration runs at the smallest budget; the best 1/η of a rung go on to η times the
 * budget, the rest are stopped there. Here the rungs run one after another (each rung is one
 * batch of trials, spread over the workers), and a promoted configuration trains again from
 * the start at the larger budget: no checkpoints to carry between machines, every rung's trial
 * is an ordinary trial with its own id, and a study resumes rung by rung.
 */

/** The budgets of the rungs: min, min·η, min·η², … while below max, then max itself. */
export function rungBudgets(min: number, max: number, eta: number): number[] {
  const budgets: number[] = [];
  for (let b = min; b < max; b = Math.round(b * eta)) budgets.push(b);
  budgets.push(max);
  return budgets;
}

/** Ranks `scores` best first (null, a failed or non-finite score, last; ties by index). */
export function rankIndices(scores: readonly (number | null)[], goal: 'min' | 'max'): number[] {
  const key = (s: number | null): number => (s === null || !Number.isFinite(s) ? Infinity : goal === 'min' ? s : -s);
  return scores.map((_, i) => i).sort((a, b) => key(scores[a]) - key(scores[b]) || a - b);
}

/**
 * The indices (into `scores`) promoted from a rung: the best ⌊n/η⌋, at least one, never a
 * configuration without a score. In the order of their rank.
 */
export function promote(scores: readonly (number | null)[], goal: 'min' | 'max', eta: number): number[] {
  const keep = Math.max(1, Math.floor(scores.length / eta));
  return rankIndices(scores, goal)
    .slice(0, keep)
    .filter((i) => scores[i] !== null && Number.isFinite(scores[i]));
}
