/**
 * Anomaly detection, like torch.autograd.detect_anomaly: while it is on, every backward rule's
 * output is scanned for NaN and Inf (the error names the op, its gradFn's name, that first
 * produced one), and `Optimizer.step()` refuses a non-finite gradient, naming the parameter and
 * the step, before anything is written into the parameters. Off by default: the only cost then
 * is one boolean test per backward rule and per step.
 */
import { shapeToString } from './shape.js';
import type { Tensor } from './tensor.js';

/** Whether anomaly detection is on (read by autograd's propagate and by Optimizer.step). */
export let anomalyDetection = false;

/** Turns anomaly detection on or off for the whole process. */
export function detectAnomaly(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`detectAnomaly: expected true or false, got ${JSON.stringify(on)}`);
  anomalyDetection = on;
}

/** Whether anomaly detection is on. */
export function isAnomalyDetectionEnabled(): boolean {
  return anomalyDetection;
}

/** Runs `fn` with anomaly detection on, restoring the previous setting afterwards. */
export function withAnomalyDetection<T>(fn: () => T): T {
  const before = anomalyDetection;
  anomalyDetection = true;
  try {
    return fn();
  } finally {
    anomalyDetection = before;
  }
}

/** The first non-finite element of `data`, as [flat index, value], or null. */
export function firstNonFinite(data: ArrayLike<number>): [number, number] | null {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return [i, data[i]];
  return null;
}

const describeValue = (v: number): string => (Number.isNaN(v) ? 'NaN' : String(v));

/** Throws if a backward rule's gradient for input `inputIndex` of op `op` holds NaN or Inf. */
export function checkBackwardOutput(g: Tensor, op: string, inputIndex: number): void {
  const bad = firstNonFinite(g.data);
  if (!bad) return;
  throw new Error(
    `backward of '${op}' produced ${describeValue(bad[1])} in the gradient of its input ${inputIndex} ` +
      `(shape ${shapeToString(g.shape)}, flat index ${bad[0]}); anomaly detection (debug mode) is on ` +
      '(detectAnomaly(false) or setDebug(false) turns these checks off)',
  );
}

/**
 * Throws if any parameter of `groups` has a gradient holding NaN or Inf, naming the optimizer,
 * the step (the count of step() calls), the group and the parameter (its index, and its
 * `name` when it has one).
 */
export function checkFiniteGradients(owner: string, groups: readonly { params: readonly Tensor[] }[], step: number): void {
  groups.forEach((group, gi) => {
    group.params.forEach((p, pi) => {
      const bad = p.grad ? firstNonFinite(p.grad.data) : null;
      if (!bad) return;
      throw new Error(
        `${owner}.step(): the gradient of parameter ${pi}${p.name ? ` '${p.name}'` : ''} of group ${gi} (shape ${shapeToString(p.shape)}) holds ` +
          `${describeValue(bad[1])} at flat index ${bad[0]}, at step ${step}; nothing was updated ` +
          '(anomaly detection is on; detectAnomaly(false) lets non-finite gradients through, as PyTorch does)',
      );
    });
  });
}
