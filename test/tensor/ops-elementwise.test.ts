/**
 * Issue 19's elementwise ops and reductions: values and gradients against PyTorch in float64
 * (test/fixtures/tensor/ops_elementwise.json, written by scripts/fixtures/ops_elementwise.py),
 * gradcheck and gradgradcheck on every backend (zeros included for prod and cumprod), and the
 * errors and edge cases PyTorch defines.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/tensor/tensor.js';
import {
  all, allclose, any, atan2, cumprod, cumsum, fmod, grad, gradcheck, gradgradcheck, lerp, logAddExp, nansum, prod, remainder, tan,
  type GradcheckOptions,
} from '../../src/tensor/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertClose } from '../helpers/close.js';
import { draw, f64 } from '../helpers/data.js';
import { decode, testOpCases, type Encoded, type Inputs, type OpCase, type OpParams } from '../helpers/fixture-cases.js';

/** A tensor in the fixture; NaN and infinities are the strings 'NaN', 'Infinity', '-Infinity'. */
interface CloseCase {
  name: string;
  a: Encoded;
  b: Encoded;
  options: { rtol?: number; atol?: number; equal_nan?: boolean };
  result: boolean;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/tensor/ops_elementwise.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: OpCase[];
  allclose: CloseCase[];
};
type In = Inputs;
type P = OpParams;
const axes = (p: P): number | undefined => (p.axes === null ? undefined : p.axes);

/** descent's version of each fixture op. */
const ops: Record<string, (i: In, p: P) => Tensor> = {
  tan: (i) => i.x.tan(),
  asin: (i) => i.x.asin(),
  acos: (i) => i.x.acos(),
  atan: (i) => i.x.atan(),
  sinh: (i) => i.x.sinh(),
  cosh: (i) => i.x.cosh(),
  asinh: (i) => i.x.asinh(),
  acosh: (i) => i.x.acosh(),
  atanh: (i) => i.x.atanh(),
  atan2: (i) => i.y.atan2(i.x),
  lerp: (i, p) => i.start.lerp(i.end, i.weight ?? p.weight),
  fmod: (i, p) => i.a.fmod(i.b ?? p.b),
  remainder: (i, p) => i.a.remainder(i.b ?? p.b),
  logAddExp: (i) => i.a.logAddExp(i.b),
  prod: (i, p) => i.x.prod(p.axis === null ? undefined : p.axis, p.keepDims),
  cumsum: (i, p) => i.x.cumsum(p.axis),
  cumprod: (i, p) => i.x.cumprod(p.axis),
  nansum: (i, p) => i.x.nansum(axes(p), p.keepDims),
  any: (i, p) => i.x.any(axes(p), p.keepDims),
  all: (i, p) => i.x.all(axes(p), p.keepDims),
};

describe(`issue 19 elementwise ops and reductions match PyTorch ${fixture.torch} (float64)`, () => {
  test('the fixture covers every mapped op', () => {
    const used = new Set(fixture.cases.map((c) => c.op));
    assert.deepEqual(Object.keys(ops).filter((op) => !used.has(op)), []);
  });
  testOpCases(fixture.cases, ops, { any: 'bool', all: 'bool' });
  for (const c of fixture.allclose) {
    test(`allclose: ${c.name}`, () => {
      const { rtol, atol, equal_nan: equalNan } = c.options;
      assert.equal(allclose(decode(c.a), decode(c.b), { rtol, atol, equalNan }), c.result);
    });
  }
});

// ---- gradcheck and gradgradcheck ------------------------------------------------------------

interface GradCase {
  name: string;
  f: (...xs: Tensor[]) => Tensor;
  inputs: Tensor[];
  options?: GradcheckOptions;
}

/** x with the entries at `positions` set to 0. */
function zeroAt(x: Tensor, positions: readonly number[]): Tensor {
  for (const p of positions) x.data[p] = 0;
  return x;
}

const unit = { low: -0.9, high: 0.9 };
const gradCases: GradCase[] = [
  { name: 'tan', f: (a) => a.tan(), inputs: [draw([2, 3], 1, { low: -1.2, high: 1.2 })] },
  { name: 'asin', f: (a) => a.asin(), inputs: [draw([2, 3], 2, unit)] },
  { name: 'acos', f: (a) => a.acos(), inputs: [draw([2, 3], 3, unit)] },
  { name: 'atan', f: (a) => a.atan(), inputs: [draw([2, 3], 4, { low: -3, high: 3 })] },
  { name: 'sinh', f: (a) => a.sinh(), inputs: [draw([2, 3], 5, { low: -2, high: 2 })] },
  { name: 'cosh', f: (a) => a.cosh(), inputs: [draw([2, 3], 6, { low: -2, high: 2 })] },
  { name: 'asinh', f: (a) => a.asinh(), inputs: [draw([2, 3], 7, { low: -3, high: 3 })] },
  { name: 'acosh', f: (a) => a.acosh(), inputs: [draw([2, 3], 8, { low: 1.2, high: 4 })] },
  { name: 'atanh', f: (a) => a.atanh(), inputs: [draw([2, 3], 9, unit)] },
  { name: 'atan2 with broadcasting', f: (y, x) => atan2(y, x), inputs: [draw([2, 1], 10, { awayFromZero: 0.3 }), draw([3], 11, { awayFromZero: 0.3 })] },
  { name: 'atan2 by a number', f: (y) => y.atan2(-0.7), inputs: [draw([3], 12)] },
  { name: 'lerp', f: (s, e, w) => lerp(s, e, w), inputs: [draw([2, 3], 13), draw([3], 14), draw([2, 1], 15, { low: -0.5, high: 1.5 })] },
  { name: 'lerp by a number', f: (s, e) => s.lerp(e, 0.3), inputs: [draw([2, 3], 16), draw([2, 3], 17)] },
  // away from the jumps (where a / b is an integer)
  { name: 'fmod', f: (a, b) => fmod(a, b), inputs: [f64([2.3, -2.3, 4.1, -0.6]), f64([1.5, -1.5, -1.7, 0.9])] },
  { name: 'remainder', f: (a, b) => remainder(a, b), inputs: [f64([2.3, -2.3, 4.1, -0.6]), f64([1.5, -1.5, -1.7, 0.9])] },
  { name: 'logAddExp', f: (a, b) => logAddExp(a, b), inputs: [draw([2, 3], 18, { low: -3, high: 3 }), draw([3], 19, { low: -3, high: 3 })] },
  { name: 'logAddExp at a tie', f: (a, b) => a.logAddExp(b), inputs: [f64([0.5, -1]), f64([0.5, -1])] },
  { name: 'prod over all', f: (a) => prod(a), inputs: [draw([2, 3], 20, { low: 0.5, high: 1.5 })] },
  { name: 'prod along an axis', f: (a) => a.prod(0, true), inputs: [draw([3, 2], 21)] },
  { name: 'prod with one zero', f: (a) => a.prod(1), inputs: [zeroAt(draw([2, 3], 22), [1])] },
  { name: 'prod with two zeros', f: (a) => a.prod(1), inputs: [zeroAt(draw([2, 3], 23), [0, 2, 4])] },
  { name: 'cumsum', f: (a) => cumsum(a, -1), inputs: [draw([2, 3], 24)] },
  { name: 'cumsum axis 0', f: (a) => a.cumsum(0).square(), inputs: [draw([3, 2], 25)] },
  { name: 'cumprod', f: (a) => cumprod(a, 1), inputs: [draw([2, 4], 26)] },
  { name: 'cumprod with one zero', f: (a) => a.cumprod(1), inputs: [zeroAt(draw([2, 4], 27), [1, 4])] },
  { name: 'cumprod with two zeros', f: (a) => a.cumprod(0), inputs: [zeroAt(draw([4, 2], 28), [0, 4, 3])] },
  { name: 'cumprod with three zeros in a line', f: (a) => a.cumprod(-1), inputs: [zeroAt(draw([2, 6], 30), [1, 3, 4, 8])] },
  { name: 'cumprod starting with a zero', f: (a) => a.cumprod(-1).mul(draw([1, 4], 31)), inputs: [zeroAt(draw([3, 4], 32), [0, 4, 5, 11])] },
  { name: 'prod with three zeros', f: (a) => a.prod(0), inputs: [zeroAt(draw([4, 2], 33), [0, 2, 4, 7])] },
  { name: 'nansum', f: (a) => nansum(a, 1).square(), inputs: [draw([2, 3], 29)] },
];

describe('gradcheck and gradgradcheck of issue 19 ops, every backend', () => {
  for (const c of gradCases) {
    test(c.name, () => {
      forEachBackend((backend) => {
        for (const [label, check] of [['gradcheck', gradcheck], ['gradgradcheck', gradgradcheck]] as const) {
          const r = check(c.f, c.inputs, c.options);
          assert.ok(r.ok, `${label} of ${c.name} on backend ${backend}: worst ${r.worst} at ${r.detail}`);
        }
      });
    });
  }
});

// ---- edge cases and errors ------------------------------------------------------------------

describe('issue 19 ops: PyTorch edge cases', () => {
  test('prod: the gradient with zeros is the product of the other entries', () => {
    const x = f64([2, 0, 3, 0.5]).requiresGrad_();
    const [g] = grad(x.prod(), [x]);
    assert.deepEqual([...g.data], [0, 3, 0, 0]);
    const y = f64([2, 0, 3, 0]).requiresGrad_();
    assert.deepEqual([...grad(y.prod(), [y])[0].data], [0, 0, 0, 0]);
  });

  test('cumprod: the gradient with a zero matches the product rule, not NaN', () => {
    const x = f64([2, 0, 3]).requiresGrad_();
    const [g] = grad(x.cumprod(0).sum(), [x]);
    // d/dx0 (x0 + x0 x1 + x0 x1 x2) = 1 + x1 + x1 x2; d/dx1 = x0 + x0 x2; d/dx2 = x0 x1
    assert.deepEqual([...g.data], [1, 8, 0]);
  });

  test('empty and 0-d inputs', () => {
    assert.equal(Tensor.fill([0], 0, 'float64').prod().item(), 1);
    assert.deepEqual(Tensor.fill([2, 0], 0).prod(1).toArray(), [1, 1]);
    assert.equal(f64([4], []).prod().item(), 4);
    assert.deepEqual(f64([1, 2, 3, 4], [2, 2]).prod(undefined, true).toArray(), [[24]]);
    assert.equal(new Tensor(Float32Array.from([2, 3]), [2]).prod().dtype, 'float32');
    assert.equal(f64([4], []).cumsum(0).item(), 4);
    assert.equal(Tensor.fill([0], 0).any().item(), 0);
    assert.equal(Tensor.fill([0], 0).all().item(), 1);
    assert.deepEqual(Tensor.fill([0, 3], 0).cumsum(0).shape, [0, 3]);
  });

  test('any and all are bool 0/1; NaN counts as true', () => {
    const x = new Tensor(Float32Array.from([0, NaN, 0, 0]), [2, 2]);
    assert.equal(any(x).dtype, 'bool');
    assert.equal(all(x).dtype, 'bool');
    assert.deepEqual(any(x, 1).toArray(), [1, 0]);
    assert.deepEqual(all(x.add(1), [0, 1], true).toArray(), [[1]]);
    assert.equal(x.any().requiresGrad, false);
  });

  test('nansum passes no gradient to NaN entries', () => {
    const x = f64([1, NaN, 2]).requiresGrad_();
    assert.equal(x.nansum().item(), 3);
    assert.deepEqual([...grad(x.nansum(), [x])[0].data], [1, 0, 1]);
  });

  test('fmod and remainder follow the dividend and the divisor signs', () => {
    assert.deepEqual(f64([-7, 7]).fmod(3).toArray(), [-1, 1]);
    assert.deepEqual(f64([-7, 7]).remainder(3).toArray(), [2, 1]);
    assert.deepEqual(f64([-7, 7]).remainder(-3).toArray(), [-1, -2]);
    assert.ok(Number.isNaN(f64([1]).fmod(0).item()));
  });

  test('logAddExp is stable and keeps the dtype of float32 inputs', () => {
    const a = new Tensor(Float32Array.from([100]), [1]);
    assert.equal(a.logAddExp(100).dtype, 'float32');
    assertClose(a.logAddExp(100), [100 + Math.LN2], { rtol: 1e-6 });
    assert.equal(f64([-Infinity]).logAddExp(-Infinity).item(), -Infinity);
  });

  test('float32 stays float32 through every op', () => {
    const x = new Tensor(Float32Array.from([0.25, 0.5]), [2]);
    const outs = [x.tan(), x.asin(), x.acos(), x.atan(), x.sinh(), x.cosh(), x.asinh(), x.add(1).acosh(), x.atanh(), x.atan2(x), x.lerp(x, 0.5),
      x.fmod(0.3), x.remainder(0.3), x.logAddExp(x), x.prod(), x.cumsum(0), x.cumprod(0), x.nansum()];
    assert.deepEqual(outs.map((t) => t.dtype), outs.map(() => 'float32'));
    assertClose(x.tan(), [Math.tan(0.25), Math.tan(0.5)], { rtol: 1e-6 });
  });

  test('mixed dtypes promote to float64', () => {
    const a = new Tensor(Float32Array.from([1, 2]), [2]);
    assert.equal(a.atan2(f64([1, 1])).dtype, 'float64');
    assert.equal(a.lerp(a, f64([0.5, 0.5])).dtype, 'float64');
  });

  test('bad input names the op and what was expected', () => {
    assert.throws(() => f64([1, 2]).atan2(f64([1, 2, 3])), /atan2/);
    assert.throws(() => f64([1, 2]).cumsum(1), /cumsum/);
    assert.throws(() => f64([1, 2]).prod(2), /prod/);
    assert.throws(() => allclose(f64([1]), f64([1]), { rtol: -1 }), /allclose: rtol must be a non-negative number/);
    assert.throws(() => allclose(f64([1]), f64([1]), { rtl: 1 } as never), /allclose/);
    assert.throws(() => allclose(f64([1]), 1 as never), /allclose: other must be a Tensor/);
    assert.throws(() => lerp(f64([1]), f64([1, 2]), f64([1, 2, 3])), /lerp/);
    assert.throws(() => tan(2 as never), /tan: input must be a Tensor, got number 2/);
    assert.throws(() => f64([1]).logAddExp('1' as never), /logAddExp: expected a Tensor or a number, got string 1/);
  });
});
