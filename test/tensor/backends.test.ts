/**
 * Backend parity in float32. The gradient checks run in float64, which an accelerated backend
 * may delegate to the js kernels; so here every op case runs in float32 on every registered
 * backend, forward, backward and (for the second-order cases) double backward, and is compared
 * with the float64 result of the js reference at float32 accuracy. On js alone this checks the
 * float32 paths of the reference kernels.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend, backendInfo } from '../../src/backend/registry.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { grad } from '../../src/tensor/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertClose } from '../helpers/close.js';
import { groups, second, type Case } from './cases.js';

function fixedWeights(shape: readonly number[], seed: number): Tensor {
  const g = new Generator(seed);
  const w = Tensor.fill(shape, 0, 'float64');
  for (let i = 0; i < w.numel(); i++) w.data[i] = g.uniform(-1, 1);
  return w;
}

/** Output, gradients of sum(out * w), and (when `order2`) gradients of sum(grads * u). */
function evaluate(c: Case, dtype: 'float32' | 'float64', order2: boolean): Tensor[] {
  const xs = c.inputs.map((x) => x.detach().to(dtype).clone().requiresGrad_());
  const out = c.f(...xs);
  const w = fixedWeights(out.shape, 1);
  const loss = out.double().mul(w).sum();
  const gs = grad(loss, xs, { allowUnused: true, createGraph: order2 });
  if (!order2) return [out, ...gs];
  const inner = gs.map((g, i) => g.double().mul(fixedWeights(g.shape, 2 + i)).sum()).reduce((a, b) => a.add(b));
  const hs = inner.requiresGrad ? grad(inner, xs, { allowUnused: true }) : xs.map((x) => Tensor.fill(x.shape, 0, x.dtype));
  return [out, ...gs, ...hs];
}

function parity(c: Case, order2: boolean): void {
  const previous = backendInfo().name;
  setBackend('js');
  let reference: Tensor[];
  try {
    reference = evaluate(c, 'float64', order2);
  } finally {
    setBackend(previous);
  }
  forEachBackend((backend) => {
    const got = evaluate(c, 'float32', order2);
    assert.equal(got.length, reference.length);
    // float32 in, float32 out (the cast case converts back to float64 on purpose), and every
    // gradient in its input's dtype
    if (!c.name.startsWith('cast')) assert.equal(got[0].dtype, 'float32', `${c.name}: output dtype`);
    got.slice(1).forEach((g, i) => assert.equal(g.dtype, 'float32', `${c.name}: dtype of result ${i + 1}`));
    got.forEach((t, i) => {
      const what = `${c.name} on ${backend}: ${i === 0 ? 'output' : `result ${i}`}`;
      assert.deepEqual([...t.shape], [...reference[i].shape], what);
      // float32 carries ~7 digits; scale the absolute tolerance by the result's magnitude
      const scale = Math.max(1, ...Array.from(reference[i].data, Math.abs));
      assertClose(t.data, reference[i].data, { atol: 2e-5 * scale, rtol: 2e-4, what });
    });
  });
}

describe('float32 on every backend matches float64 on js', () => {
  for (const [group, cases] of groups) {
    describe(group, () => {
      for (const c of cases) test(c.name, () => parity(c, false));
    });
  }
  describe('second derivatives', () => {
    for (const c of second) test(c.name, () => parity(c, true));
  });
});
