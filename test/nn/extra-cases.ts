/**
 * The cases of test/fixtures/nn/nn_extra.json (scripts/fixtures/nn_extra.py), and the checks
 * both extra-nn test files run on them: value and gradients against PyTorch, then gradcheck and
 * gradgradcheck of the differentiable inputs on every backend.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, gradgradcheck, type Tensor } from '../../src/tensor/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { close, loadFixture, T, type TensorJSON } from './fixtures.js';

export interface ExtraCase {
  name: string;
  fn: string;
  params: Record<string, unknown>;
  inputs: TensorJSON[];
  output: TensorJSON;
  gradOut: TensorJSON;
  /** null for label inputs. */
  inputGrads: (TensorJSON | null)[];
}

export type CaseFn = (xs: Tensor[], params: Record<string, any>) => Tensor;

export const extraFixture = loadFixture<{ functions: ExtraCase[]; losses: ExtraCase[] }>('nn_extra.json');

/** One test per case: PyTorch's value and input gradients, in float64 (to 1e-9, or `gradTolerance[fn]` for gradients). */
export function matchesPyTorch(cases: readonly ExtraCase[], fns: Record<string, CaseFn>, gradTolerance: Record<string, number> = {}): void {
  for (const c of cases) {
    it(c.name, () => {
      const fn = fns[c.fn];
      assert.ok(fn, `function ${c.fn} has a runner`);
      const xs = c.inputs.map((x, i) => T(x, c.inputGrads[i] !== null));
      const y = fn(xs, c.params);
      close(y, c.output, `${c.name} value`);
      if (c.inputGrads.every((g) => g === null)) return;
      y.mul(T(c.gradOut)).sum().backward();
      c.inputGrads.forEach((g, i) => {
        if (g) close(xs[i].grad!, g, `${c.name} gradient of input ${i}`, gradTolerance[c.fn]);
      });
    });
  }
}

/** gradcheck and gradgradcheck of each case in its differentiable inputs (labels held fixed), on every backend. */
export function checksGradients(cases: readonly ExtraCase[], fns: Record<string, CaseFn>, skipSecond: readonly string[] = []): void {
  for (const c of cases) {
    const free = c.inputGrads.map((g, i) => (g ? i : -1)).filter((i) => i >= 0);
    if (free.length === 0) continue;
    it(c.name, () => {
      const fixed = c.inputs.map((x) => T(x));
      const f = (...vs: Tensor[]): Tensor => fns[c.fn](fixed.map((x, i) => (free.includes(i) ? vs[free.indexOf(i)] : x)), c.params);
      const inputs = free.map((i) => fixed[i]);
      forEachBackend((backend) => {
        const r1 = gradcheck(f, inputs);
        assert.ok(r1.ok, `gradcheck of ${c.name} on ${backend}: worst ${r1.worst} at ${r1.detail}`);
        if (skipSecond.includes(c.fn)) return;
        const r2 = gradgradcheck(f, inputs);
        assert.ok(r2.ok, `gradgradcheck of ${c.name} on ${backend}: worst ${r2.worst} at ${r2.detail}`);
      });
    });
  }
}
