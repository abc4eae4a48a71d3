/**
 * Multi-task learning with hard parameter sharing: one trunk shared by every task, one head per
 * task, and a weighted sum of the task losses (Caruana 1997). The trunk's parameters get the
 * gradients of every task, a regularizer by sharing (survey 000 §3.2.4).
 *
 * ```ts
 * const net = new MultiTaskNet(trunk, { digit: new Linear(64, 10), parity: new Linear(64, 2) });
 * const out = net.forwardAll(x);                    // { digit: [N, 10], parity: [N, 2] }
 * const loss = multiTaskLoss(out, { digit: y1, parity: y2 }, { digit: crossEntropy, parity: crossEntropy }, { parity: 0.5 });
 * ```
 */
import { Module } from '../nn/index.js';
import type { Tensor } from '../tensor/index.js';
import { checkNonNegative } from './validate.js';

/** Holds the task heads under their names (so state dict keys read heads.<task>.weight). */
export class TaskHeads extends Module {
  constructor(heads: Record<string, Module>) {
    super();
    for (const [name, m] of Object.entries(heads)) {
      if (!(m instanceof Module)) throw new TypeError(`MultiTaskNet: head '${name}' is not a Module`);
      this.registerModule(name, m);
    }
  }
  forward(): Tensor {
    throw new Error('TaskHeads has no forward; use MultiTaskNet.forwardAll');
  }
}

export class MultiTaskNet extends Module {
  readonly trunk: Module;
  readonly heads: TaskHeads;
  readonly tasks: string[];

  constructor(trunk: Module, heads: Record<string, Module>) {
    super();
    if (!(trunk instanceof Module)) throw new TypeError('MultiTaskNet: trunk must be a Module');
    const names = Object.keys(heads);
    if (names.length === 0) throw new RangeError('MultiTaskNet: give at least one head');
    this.trunk = trunk;
    this.heads = new TaskHeads(heads);
    this.tasks = names;
  }

  /** The shared representation. */
  features(x: Tensor): Tensor {
    return this.trunk.forward(x);
  }

  /** Every head's output on the shared representation (the trunk runs once). */
  forwardAll(x: Tensor): Record<string, Tensor> {
    const h = this.trunk.forward(x);
    return Object.fromEntries(this.tasks.map((t) => [t, this.head(t).forward(h)]));
  }

  /** The output of one task's head (default the first task). */
  forward(x: Tensor): Tensor {
    return this.head(this.tasks[0]).forward(this.trunk.forward(x));
  }

  /** The head of `task`. */
  head(task: string): Module {
    const m = (this.heads as unknown as Record<string, unknown>)[task];
    if (!(m instanceof Module) || !this.tasks.includes(task)) throw new RangeError(`MultiTaskNet: unknown task '${task}'; tasks: ${this.tasks.join(', ')}`);
    return m;
  }
}

/** Σ_t w_t · loss_t(outputs[t], targets[t]) over the tasks of `losses` (weights default 1; each >= 0). */
export function multiTaskLoss(
  outputs: Record<string, Tensor>,
  targets: Record<string, Tensor>,
  losses: Record<string, (output: Tensor, target: Tensor) => Tensor>,
  weights: Record<string, number> = {},
): Tensor {
  let total: Tensor | null = null;
  for (const [task, fn] of Object.entries(losses)) {
    if (!(task in outputs)) throw new Error(`multiTaskLoss: no output for task '${task}' (outputs: ${Object.keys(outputs).join(', ')})`);
    if (!(task in targets)) throw new Error(`multiTaskLoss: no target for task '${task}' (targets: ${Object.keys(targets).join(', ')})`);
    const w = checkNonNegative('multiTaskLoss', `weights.${task}`, weights[task] ?? 1);
    const term = fn(outputs[task], targets[task]).mul(w);
    total = total ? total.add(term) : term;
  }
  for (const t of Object.keys(weights)) if (!(t in losses)) throw new Error(`multiTaskLoss: a weight is given for '${t}', which has no loss`);
  if (!total) throw new Error('multiTaskLoss: no task losses given');
  return total;
}
