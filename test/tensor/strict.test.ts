/**
 * Issue 15, the engine's part: options objects are checked (unknown keys, arrays), PyTorch's
 * pooling and padding options exist (against PyTorch 1.13 fixtures from
 * scripts/fixtures/strict_fixtures.py, and gradchecked), index arguments are integers,
 * huge allocations name the op, float32 sums are right at scale on every backend, and anomaly
 * detection names the op and the parameter.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  arange, avgPool2d, conv2d, detectAnomaly, full, gather, grad, gradcheck, gradgradcheck, isAnomalyDetectionEnabled, maxPool2d,
  ones, pad, randn, scatter, tensor, Tensor, valueAndGrad, withAnomalyDetection, zeros, Generator, type Pair,
} from '../../src/tensor/index.js';
import { crossEntropy, Linear, MaxPool2d } from '../../src/nn/index.js';
import { clipGradNorm, createOptimizer } from '../../src/optim/index.js';
import { nearestKey } from '../../src/tensor/options.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertClose } from '../helpers/close.js';

function throwsWith(fn: () => unknown, type: new (...args: never[]) => Error, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected a ${type.name}, got ${String(e)}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(f)}`);
    return true;
  });
}

const x4 = (): Tensor => randn([1, 1, 5, 5], { generator: new Generator(3) });
const f2 = (a: Tensor, b: Tensor): Tensor => a.mul(b).sum();

describe('options objects are checked', () => {
  // The trials: each was silently accepted before.
  const trials: { what: string; run: () => unknown; type: new (...args: never[]) => Error; says: string[] }[] = [
    { what: 'grad(f, [0, 1]) (JAX argnums)', run: () => grad(f2, [0, 1] as never), type: TypeError, says: ['grad: options must be an object', '[0,1]', '{ argnums: [0, 1] }'] },
    { what: '{ create_graph: true }', run: () => grad(ones([1], { requiresGrad: true }).sum(), [zeros([1])], { create_graph: true } as never), type: RangeError, says: ["unknown option 'create_graph'", "did you mean 'createGraph'"] },
    { what: 'conv2d { strides }', run: () => conv2d(x4(), ones([1, 1, 2, 2]), null, { strides: 2 } as never), type: RangeError, says: ["conv2d: unknown option 'strides'", "did you mean 'stride'", "'padding'"] },
    { what: 'Linear { biass }', run: () => new Linear(2, 3, { biass: false } as never), type: RangeError, says: ["Linear: unknown option 'biass'", "did you mean 'bias'"] },
    { what: 'crossEntropy { reduce }', run: () => crossEntropy(zeros([2, 3]), tensor([0, 1]), { reduce: 'sum' } as never), type: RangeError, says: ["crossEntropy: unknown option 'reduce'", "did you mean 'reduction'"] },
    { what: 'zeros { dtyp }', run: () => zeros([2], { dtyp: 'float64' } as never), type: RangeError, says: ["unknown option 'dtyp'", "did you mean 'dtype'"] },
    { what: "pad(x, p, 'reflct')", run: () => pad(arange(4).reshape(1, 4), [[0, 0], [1, 1]], 'reflct' as never), type: RangeError, says: ["pad: unknown mode 'reflct'", "'reflect'"] },
    { what: 'an array where options belong', run: () => maxPool2d(x4(), 2, [2] as never), type: TypeError, says: ['maxPool2d: options must be an object', "'ceilMode'"] },
  ];
  for (const t of trials) test(`refused: ${t.what}`, () => throwsWith(t.run, t.type, ...t.says));

  test('the options PyTorch has are accepted now (maxPool2d ceilMode, avgPool2d divisorOverride, pad reflect)', () => {
    assert.deepEqual(maxPool2d(arange(9).reshape(1, 1, 3, 3), 2, { ceilMode: true }).toArray(), [[[[4, 5], [7, 8]]]]);
    assert.deepEqual(avgPool2d(ones([1, 1, 2, 2]), 2, { divisorOverride: 2 }).toArray(), [[[[2]]]]);
    assert.deepEqual(pad(arange(3).reshape(1, 3), [[0, 0], [2, 1]], 'reflect').toArray(), [[2, 1, 0, 1, 2, 1]]);
  });

  test('argnums as an option still works, and bad argnums are refused', () => {
    const g = grad(f2, { argnums: [0, 1] })(tensor([1, 2]), tensor([3, 4])) as Tensor[];
    assert.deepEqual(g.map((t) => t.toArray()), [[3, 4], [1, 2]]);
    throwsWith(() => valueAndGrad(f2, { argnums: [0.5] }), TypeError, 'argnums must be a non-negative integer');
  });

  test('did-you-mean only for near misses', () => {
    assert.equal(nearestKey('create_graph', ['gradOutputs', 'createGraph', 'allowUnused']), 'createGraph');
    assert.equal(nearestKey('genrator', ['generator', 'dtype']), 'generator');
    assert.equal(nearestKey('colour', ['stride', 'padding']), null);
  });

  test('nn modules and losses check theirs too', () => {
    throwsWith(() => new MaxPool2d(2, { ceil_mode: true } as never), RangeError, "MaxPool2d: unknown option 'ceil_mode'", "did you mean 'ceilMode'");
    throwsWith(() => new MaxPool2d(2, { returnIndices: true } as never), RangeError, 'forwardWithIndices');
    throwsWith(() => tensor([1], { requiresGrad: true }).sum().backward(undefined, { retain_graph: true } as never), RangeError, "backward: unknown option 'retain_graph'", "did you mean 'retainGraph'");
    throwsWith(() => ones([3]).var(undefined, { unbiased: false } as never), RangeError, "var: unknown option 'unbiased'", "'correction'");
  });
});

interface Encoded { shape: number[]; data: number[] }
interface PoolCase { name: string; op: 'maxPool2d' | 'avgPool2d' | 'pad'; params: Record<string, any>; x: Encoded; output: Encoded; gradWeights: Encoded; grad: Encoded; indices?: Encoded }
const poolFixture = JSON.parse(readFileSync(new URL('../fixtures/tensor/pool_pad.json', import.meta.url), 'utf8')) as { torch: string; cases: PoolCase[] };
const decode = (e: Encoded, requiresGrad = false): Tensor => tensor(e.data, { shape: e.shape, dtype: 'float64', requiresGrad });

function runPoolCase(c: PoolCase, x: Tensor): Tensor | [Tensor, Tensor] {
  const { kernelSize, pads, mode, ...options } = c.params;
  if (c.op === 'pad') return pad(x, pads, mode);
  return c.op === 'maxPool2d' ? maxPool2d(x, kernelSize as Pair, options) : avgPool2d(x, kernelSize as Pair, options);
}

describe(`ceil mode, divisor override, indices and pad modes match PyTorch ${poolFixture.torch} (float64)`, () => {
  for (const c of poolFixture.cases) {
    test(c.name, () => {
      forEachBackend((backend) => {
        const x = decode(c.x, true);
        const result = runPoolCase(c, x);
        const [out, indices] = Array.isArray(result) ? result : [result, null];
        assertClose(out, decode(c.output), { what: `${c.name} output on ${backend}` });
        if (c.indices) assert.deepEqual(Array.from(indices!.data), c.indices.data, `${c.name} indices`);
        const [g] = grad(out.mul(decode(c.gradWeights)).sum(), [x]);
        assertClose(g, decode(c.grad), { what: `${c.name} gradient on ${backend}` });
      });
    });
  }

  test('gradients of every order (gradcheck, gradgradcheck)', () => {
    const x = randn([1, 2, 5, 4], { dtype: 'float64', generator: new Generator(7) });
    const fns: [string, (a: Tensor) => Tensor][] = [
      ['maxPool2d ceil', (a) => maxPool2d(a, 2, { stride: 2, ceilMode: true })],
      ['avgPool2d ceil no pad count', (a) => avgPool2d(a, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })],
      ['avgPool2d divisorOverride', (a) => avgPool2d(a, 2, { ceilMode: true, divisorOverride: 3 })],
      ['pad reflect', (a) => pad(a, [[1, 2], [3, 1]], 'reflect').square()],
      ['pad replicate', (a) => pad(a, [[2, 0], [1, 3]], 'replicate').square()],
      ['pad circular', (a) => pad(a, [[1, 1], [4, 2]], 'circular').square()],
    ];
    for (const [name, f] of fns) {
      assert.ok(gradcheck(f, [x]).ok, `${name}: ${gradcheck(f, [x]).detail}`);
      assert.ok(gradgradcheck(f, [x]).ok, `${name} (second order)`);
    }
  });

  test("pad modes refuse what PyTorch refuses", () => {
    const y = arange(3).reshape(1, 3);
    throwsWith(() => pad(y, [[0, 0], [3, 0]], 'reflect'), RangeError, "mode 'reflect' needs each pad less than the size", 'size 3');
    throwsWith(() => pad(y, [[0, 0], [4, 0]], 'circular'), RangeError, "mode 'circular'", 'at most');
    throwsWith(() => pad(y, [[0, 0], [1, 0]], { mode: 'reflect', value: 1 }), RangeError, "only applies to mode 'constant'");
    assert.deepEqual(pad(y, [[0, 0], [1, 1]], { value: 7 }).toArray(), [[7, 0, 1, 2, 7]]);
    throwsWith(() => avgPool2d(ones([1, 1, 2, 2]), 2, { divisorOverride: 0 }), RangeError, 'divisorOverride must be a non-zero integer');
  });
});

describe('index arguments', () => {
  test('slice and narrow refuse non-integers', () => {
    throwsWith(() => arange(5).slice(0, 1.5, 3), RangeError, 'slice: start must be an integer, got 1.5');
    throwsWith(() => arange(5).slice(0, 1, 2.5), RangeError, 'slice: end must be an integer, got 2.5');
    throwsWith(() => arange(5).narrow(0, 1, 0.5), RangeError, 'narrow', 'length=0.5');
  });

  test('gather and scatter refuse negative indices, as torch.gather does', () => {
    throwsWith(() => gather(arange(6).reshape(2, 3), 1, tensor([[-1], [0]])), RangeError, 'gather: index -1 is out of range', 'negative indices are refused, as in PyTorch');
    throwsWith(() => scatter(zeros([2, 3]), 1, tensor([[-1], [0]]), 1), RangeError, 'scatter: index -1');
    assert.deepEqual(arange(3).indexSelect(0, [-1]).toArray(), [2]); // indexSelect keeps counting from the end
  });

  test('a huge allocation names the op and the shape', () => {
    throwsWith(() => zeros([1e6, 1e6]), RangeError, 'full: shape [1000000,1000000]', 'cannot allocate 1000000000000 float32 elements');
    // Ops whose output is the huge one name themselves and the output's shape.
    const column = zeros([1e6, 1]);
    const row = zeros([1, 1e6]);
    throwsWith(() => column.add(row), RangeError, 'add: output shape [1000000,1000000]', 'cannot allocate 1000000000000 float32 elements');
    throwsWith(() => column.matmul(row), RangeError, 'matmul: output shape [1000000,1000000]', 'cannot allocate');
    throwsWith(() => column.broadcastTo([1e6, 1e6]), RangeError, 'broadcastTo: shape [1000000,1000000]', 'cannot allocate');
    throwsWith(() => randn([1e12]), RangeError, 'normal: shape [1000000000000]');
  });
});

describe('float32 sums are right at scale, on every backend', () => {
  test('ones([2e7]).sum() is 2e7 and the mean of 1e6 values of 0.1 is within 1e-6', () => {
    forEachBackend((backend) => {
      assert.equal(ones([2e7]).sum().item(), 2e7, backend);
      const m = full([1e6], 0.1).mean().item();
      assert.ok(Math.abs(m - Math.fround(0.1)) / 0.1 < 1e-6, `${backend}: mean ${m}`);
      assert.equal(full([2e7, 1], 1).sum(0).item(), 2e7, `${backend}: a column of 2e7`);
    });
  });

  test('every reduction agrees with float64 (rows, columns, norms, variance)', () => {
    const x = randn([64, 3000], { generator: new Generator(11) }).add(0.5);
    const x64 = x.double();
    forEachBackend((backend) => {
      const pairs: [string, Tensor, Tensor][] = [
        ['sum', x.sum(), x64.sum()],
        ['row sums', x.sum(1), x64.sum(1)],
        ['column sums', x.sum(0), x64.sum(0)],
        ['mean', x.mean(), x64.mean()],
        ['norm', x.norm(), x64.norm()],
        ['var', x.var(), x64.var()],
        ['logSumExp', x.logSumExp(1), x64.logSumExp(1)],
      ];
      // Rows sum in float64; columns in float32 blocks of 32 (a few ulps).
      for (const [name, got, want] of pairs) assertClose(got, want, { rtol: 1e-6, atol: 1e-6, what: `${name} on ${backend}` });
      const column = full([1e6, 1], 0.1).mean(0).item();
      assert.ok(Math.abs(column - Math.fround(0.1)) / 0.1 < 1e-6, `${backend}: column mean ${column}`);
    });
  });
});

describe('anomaly detection', () => {
  test('names the op whose backward first produced NaN, and costs nothing when off', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    withAnomalyDetection(() => {
      assert.equal(isAnomalyDetectionEnabled(), true);
      throwsWith(() => x.sqrt().mul(0).sum().backward(), Error, "backward of 'sqrt'", 'NaN', 'anomaly detection');
    });
    assert.equal(isAnomalyDetectionEnabled(), false);
    x.sqrt().mul(0).sum().backward(); // off: NaN passes, as in PyTorch
    assert.ok(Number.isNaN(x.grad!.data[0]));
  });

  test('Optimizer.step() refuses a non-finite gradient, naming the parameter and the step', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    b.name = 'fc.bias';
    const opt = createOptimizer('sgd', [a, b], { lr: 0.1 });
    a.grad = tensor([1, 1]);
    b.grad = tensor([1]);
    opt.step();
    b.grad = tensor([Number.POSITIVE_INFINITY]);
    detectAnomaly(true);
    try {
      throwsWith(() => opt.step(), Error, 'sgd', "parameter 1 'fc.bias' of group 0", 'shape [1]', 'Infinity', 'at step 2', 'nothing was updated');
      assertClose(a, [0.9, 1.9], { rtol: 1e-6 }); // untouched by the refused step
    } finally {
      detectAnomaly(false);
    }
  });

  test('the closure-driven methods (L-BFGS, nonlinear CG) check every evaluation under anomaly detection', () => {
    for (const name of ['lbfgs', 'nonlinearCG']) {
      const x = tensor([1, 2], { requiresGrad: true });
      const opt = createOptimizer(name, [x], {});
      const closure = (): number => {
        opt.zeroGrad();
        x.grad = tensor([Number.NaN, 1]);
        return 1;
      };
      detectAnomaly(true);
      try {
        throwsWith(() => opt.step(closure), Error, `${name.toLowerCase()}.step()`, 'parameter 0', 'NaN', 'at step 1');
        assertClose(x, [1, 2]);
      } finally {
        detectAnomaly(false);
      }
    }
  });

  test("clipGradNorm's errorIfNonfinite names the parameter; its options are checked", () => {
    const p = tensor([1, 2], { requiresGrad: true });
    p.grad = tensor([Number.NaN, 1]);
    throwsWith(() => clipGradNorm([tensor([1]), p].map((t, i) => (i === 0 ? Object.assign(t, { grad: tensor([1]) }) : t)), 1, { errorIfNonfinite: true }), Error, 'parameter 1');
    throwsWith(() => clipGradNorm([p], 1, { error_if_nonfinite: true } as never), RangeError, "clipGradNorm: unknown option 'error_if_nonfinite'", "did you mean 'errorIfNonfinite'");
  });

  test('crossEntropy with label smoothing and every target ignored: loss NaN, gradient 0 (PyTorch)', () => {
    const logits = randn([3, 4], { requiresGrad: true, generator: new Generator(5) });
    const loss = crossEntropy(logits, tensor([-100, -100, -100]), { labelSmoothing: 0.1 });
    assert.ok(Number.isNaN(loss.item()));
    loss.backward();
    assert.deepEqual(Array.from(logits.grad!.data), new Array(12).fill(0));
  });
});
