/**
 * Reverse-mode automatic differentiation.
 *
 * Each op that has an input requiring gradients records a {@link GradFn}: its inputs and a
 * backward rule that maps the gradient of its output to the gradients of its inputs. Backward
 * rules are written with differentiable tensor ops, so when `createGraph` is on the gradients
 * themselves carry a graph and can be differentiated again (Hessian-vector products, gradient
 * penalties). When it is off, backward runs with recording disabled and costs no more than a
 * hand-written backward pass.
 */
import type { Tensor } from './tensor.js';
import { anomalyDetection, checkBackwardOutput, detectAnomaly } from './anomaly.js';
import { GradientRecycler } from './pool.js';
import type { Storage } from './dtype.js';
import { assertGraphNotConsumed } from './activations.js';
import { shapeToString, sameShape } from './shape.js';

export interface GradFn {
  /** Name of the op that made the tensor, used in error messages. */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Gradients of the inputs (null for an input that gets none) given the output's gradient. */
  backward(gradOutput: Tensor): readonly (Tensor | null)[];
}

let recording = true;

/** Whether ops currently record graphs (false inside {@link noGrad}). */
export function isGradEnabled(): boolean {
  return recording;
}

/** Runs `fn` without recording any graph: results do not require gradients. */
export function noGrad<T>(fn: () => T): T {
  return withRecording(false, fn);
}

/** Runs `fn` with recording on, even inside {@link noGrad}. */
export function enableGrad<T>(fn: () => T): T {
  return withRecording(true, fn);
}

function withRecording<T>(on: boolean, fn: () => T): T {
  const before = recording;
  recording = on;
  try {
    return fn();
  } finally {
    recording = before;
  }
}

/** Debug mode is anomaly detection (anomaly.ts): {@link detectAnomaly} under its older name. */
export function setDebug(on: boolean): void {
  detectAnomaly(on);
}

/** Whether anomaly detection (debug mode) is on. */
export function isDebug(): boolean {
  return anomalyDetection;
}

/** Options of {@link backwardFrom} and of `grad(outputs, inputs, options)`. */
export interface BackwardOptions {
  /** Record the backward computation so the gradients can be differentiated again. */
  createGraph?: boolean;
}

/** Tensors reachable from `roots` through recorded graphs, each after all its consumers. */
function reverseTopologicalOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS (deep graphs, e.g. long RNN unrolls, would overflow the call stack).
  const stack: [Tensor, number][] = [];
  for (const root of roots) {
    if (visited.has(root)) continue;
    visited.add(root);
    stack.push([root, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const inputs = top[0].gradFn?.inputs ?? [];
      if (top[1] < inputs.length) {
        const next = inputs[top[1]++];
        if (next.requiresGrad && !visited.has(next)) {
          visited.add(next);
          stack.push([next, 0]);
        }
      } else {
        stack.pop();
        order.push(top[0]);
      }
    }
  }
  return order.reverse();
}

/**
 * Propagates `seeds` (gradients of `roots`) through the graph and returns the gradient of every
 * tensor for which `keep` holds (every tensor reached, when it is omitted). Leaves are not
 * touched: callers decide where gradients go. Without `createGraph`, the gradients of the other
 * tensors are dropped as soon as their rules have run, and their arrays are recycled (pool.ts).
 * `done` receives every tensor the pass reached, once it has run. A graph whose activations an
 * earlier backward recycled (activations.ts) is refused. `owned` receives the storage of every
 * returned gradient that is a whole array this pass allocated (nothing outside it holds one).
 */
export function propagate(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  options: BackwardOptions = {},
  keep?: (t: Tensor) => boolean,
  done?: (order: readonly Tensor[]) => void,
  owned?: Set<Storage>,
): Map<Tensor, Tensor> {
  const grads = new Map<Tensor, Tensor>();
  const recycler = options.createGraph || !keep ? null : new GradientRecycler();
  const accumulate = (t: Tensor, g: Tensor): void => {
    const prev = grads.get(t);
    const sum = prev ? prev.add(g) : g;
    grads.set(t, sum);
    if (!recycler) return;
    recycler.hold(g.data);
    if (prev) {
      recycler.release(prev.data);
      recycler.release(g.data);
      recycler.hold(sum.data);
    }
  };
  const run = (): void => {
    const order = reverseTopologicalOrder(roots);
    assertGraphNotConsumed(order);
    roots.forEach((root, i) => accumulate(root, seeds[i]));
    for (const t of order) {
      const fn = t.gradFn;
      const g = grads.get(t);
      if (!fn || !g) continue;
      const inputGrads = fn.backward(g);
      fn.inputs.forEach((input, i) => {
        const gi = inputGrads[i];
        if (!gi || !input.requiresGrad) return;
        if (!sameShape(gi.shape, input.shape)) {
          throw new Error(`internal: backward of '${fn.name}' gave a gradient of shape ${shapeToString(gi.shape)} for input ${i} of shape ${shapeToString(input.shape)}`);
        }
        if (anomalyDetection) checkBackwardOutput(gi, fn.name, i);
        accumulate(input, gi);
      });
      if (recycler && !keep!(t)) {
        grads.delete(t);
        recycler.release(g.data);
      }
    }
    done?.(order);
    if (recycler && owned) for (const g of grads.values()) if (recycler.madeHere(g.data)) owned.add(g.data);
  };
  try {
    if (options.createGraph) withRecording(true, run);
    else noGrad(run);
  } finally {
    recycler?.end();
  }
  return grads;
}
