/**
 * The PyTorch op fixtures' shared format and check: each case holds its inputs, PyTorch's output
 * and the gradients of sum(output * weights) for fixed weights, all in float64.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grad } from '../../src/tensor/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { forEachBackend } from './backends.js';
import { assertClose } from './close.js';

/** A tensor as the generators write it (non-finite numbers as strings). */
export interface Encoded {
  shape: number[];
  data: (number | string)[];
}

export interface OpCase {
  name: string;
  op: string;
  params: Record<string, unknown>;
  inputs: Record<string, Encoded>;
  output: Encoded;
  weights: Encoded;
  grads: Record<string, Encoded>;
}

export type Inputs = Record<string, Tensor>;
export type OpParams = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type OpMapping = (inputs: Inputs, params: OpParams) => Tensor;

export const decode = (e: Encoded): Tensor => new Tensor(Float64Array.from(e.data, Number), e.shape);

/**
 * One test per case: on every backend, descent's `ops[case.op]` gives PyTorch's output and the
 * gradients of every input the case lists (float64, atol 1e-12, rtol 1e-10). The output is
 * float64 unless `outputDTypes` names another dtype for the op (bool for any/all, as PyTorch).
 */
export function testOpCases(cases: readonly OpCase[], ops: Record<string, OpMapping>, outputDTypes: Record<string, string> = {}): void {
  for (const c of cases) {
    test(c.name, () => {
      const run = ops[c.op];
      assert.ok(run, `no descent mapping for fixture op '${c.op}'`);
      forEachBackend((backend) => {
        const inputs: Inputs = {};
        for (const [name, e] of Object.entries(c.inputs)) inputs[name] = decode(e);
        const names = Object.keys(c.grads);
        for (const n of names) inputs[n].requiresGrad = true;
        const out = run(inputs, c.params);
        assert.equal(out.dtype, outputDTypes[c.op] ?? 'float64');
        assertClose(out.isFloatingPoint() ? out : out.double(), decode(c.output), { atol: 1e-12, rtol: 1e-10, what: `${c.name} output on ${backend}` });
        if (names.length === 0) return;
        const grads = grad(out.mul(decode(c.weights)).sum(), names.map((n) => inputs[n]));
        names.forEach((n, k) => assertClose(grads[k], decode(c.grads[n]), { atol: 1e-12, rtol: 1e-10, what: `${c.name} gradient of ${n} on ${backend}` }));
      });
    });
  }
}
