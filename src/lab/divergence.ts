/**
 * Why a training run stopped on a non-finite loss, in one line for its record: at which step,
 * and whether the parameters themselves hold NaN or Inf (a non-finite gradient or update was
 * written into them by the previous step) or are finite (the forward pass overflowed). Costs
 * nothing while training goes well: it is computed only once the loss is no longer finite.
 */
import type { Tensor } from '../tensor/tensor.js';

/** Where the first non-finite value of `t` sits, or -1. */
function firstNonFinite(t: Tensor): number {
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return i;
  return -1;
}

/**
 * The divergence of a run whose loss at optimizer step `step` (1-based) was `loss`, given the
 * model's named parameters.
 */
export function describeDivergence(step: number, loss: number, params: readonly [string, Tensor][]): string {
  const bad = params.map(([name, t]) => ({ name, t, at: firstNonFinite(t) })).filter((p) => p.at >= 0);
  const head = `the loss was ${loss} at step ${step}`;
  if (bad.length === 0) {
    return `${head} with every parameter finite: the forward pass overflowed (lower the learning rate or check the inputs)`;
  }
  const first = bad[0];
  const value = first.t.data[first.at];
  const cause = step <= 1 ? 'the initial parameters are not finite' : `step ${step - 1} wrote it (a non-finite gradient, or an update that overflowed)`;
  return `${head}: parameter '${first.name}' holds ${value} at index ${first.at}${bad.length > 1 ? ` (and ${bad.length - 1} more parameter${bad.length > 2 ? 's' : ''})` : ''}; ${cause}`;
}
