/**
 * Shape, sort and index ops (issue 19): values and gradients against PyTorch in float64 from
 * test/fixtures/tensor/ops_shape.json (written by scripts/fixtures/ops_shape.py), on every
 * backend; gradcheck and gradgradcheck of each differentiable op on every backend; and the
 * behaviours and errors the fixture does not show.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/tensor/tensor.js';
import {
  argsort, cdist, diag, einsum, flip, grad, gradcheck, gradgradcheck, indexAdd, kron, maskedFill, median, meshgrid, outer, repeat,
  repeatInterleave, roll, sort, tensor, tile, topk, trace, tril, triu, unfold,
} from '../../src/tensor/index.js';
import type { ValuesAndIndices } from '../../src/tensor/ops/sort.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertClose } from '../helpers/close.js';
import { draw, f64 } from '../helpers/data.js';

interface Encoded {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  op: string;
  params: Record<string, unknown>;
  inputs: Record<string, Encoded>;
  output: Encoded;
  indices?: Encoded;
  weights: Encoded;
  grads: Record<string, Encoded>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/tensor/ops_shape.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };
const decode = (e: Encoded): Tensor => new Tensor(Float64Array.from(e.data), e.shape);

type P = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type In = Record<string, Tensor>;
const orNone = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** descent's version of each fixture op: a tensor, or values with indices. */
const ops: Record<string, (i: In, p: P) => Tensor | ValuesAndIndices> = {
  flip: (i, p) => i.x.flip(p.axes),
  roll: (i, p) => i.x.roll(p.shifts, orNone(p.axes)),
  repeat: (i, p) => i.x.repeat(p.repeats),
  tile: (i, p) => i.x.tile(p.reps),
  repeatInterleave: (i, p) => i.x.repeatInterleave(p.repeats, orNone(p.axis)),
  unfold: (i, p) => i.x.unfold(p.axis, p.size, p.step),
  tril: (i, p) => i.x.tril(p.diagonal),
  triu: (i, p) => i.x.triu(p.diagonal),
  diag: (i, p) => i.x.diag(p.diagonal),
  trace: (i) => i.x.trace(),
  maskedFill: (i, p) => i.x.maskedFill(i.mask, i.value ?? p.value),
  indexAdd: (i, p) => i.x.indexAdd(p.axis, p.index, i.source, { alpha: p.alpha }),
  meshgrid: (i, p) => meshgrid([i.a, i.b, i.c], { indexing: p.indexing })[p.output],
  sort: (i, p) => i.x.sort(p.axis, p.descending),
  argsort: (i, p) => i.x.argsort(p.axis, p.descending),
  topk: (i, p) => i.x.topk(p.k, p.axis, p.largest),
  median: (i, p) => (p.axis === null ? i.x.median() : i.x.median(p.axis, p.keepDims)),
  outer: (i) => i.a.outer(i.b),
  kron: (i) => i.a.kron(i.b),
  einsum: (i, p) => einsum(p.equation, ...['a', 'b', 'c'].filter((n) => n in i).map((n) => i[n])),
  cdist: (i, p) => cdist(i.x1, i.x2, p.p === 'inf' ? Infinity : p.p),
};

describe(`shape, sort and index ops match PyTorch ${fixture.torch} (float64)`, () => {
  test('the fixture covers every mapped op', () => {
    const used = new Set(fixture.cases.map((c) => c.op));
    assert.deepEqual(Object.keys(ops).filter((op) => !used.has(op)), []);
    assert.ok(fixture.cases.length >= 60);
  });

  for (const c of fixture.cases) {
    test(c.name, () => {
      const run = ops[c.op];
      assert.ok(run, `no descent mapping for fixture op '${c.op}'`);
      forEachBackend((backend) => {
        const inputs: In = {};
        for (const [name, e] of Object.entries(c.inputs)) inputs[name] = decode(e);
        const gradNames = Object.keys(c.grads);
        for (const name of gradNames) inputs[name].requiresGrad = true;
        const result = run(inputs, c.params);
        const out = result instanceof Tensor ? result : result.values;
        assert.equal(out.dtype, c.op === 'argsort' ? 'int32' : 'float64');
        assertClose(out.isFloatingPoint() ? out : out.double(), decode(c.output), { what: `${c.name} output on ${backend}` });
        if (c.indices) {
          assert.ok(!(result instanceof Tensor), `${c.name}: expected values and indices`);
          assert.equal(result.indices.dtype, 'int32');
          assertClose(result.indices.double(), decode(c.indices), { atol: 0, rtol: 0, what: `${c.name} indices on ${backend}` });
        }
        if (gradNames.length === 0) return;
        if (!out.requiresGrad) {
          // A piecewise-constant result (cdist with p = 0): PyTorch's gradients are all zero.
          for (const n of gradNames) assert.ok(c.grads[n].data.every((v) => v === 0), `${c.name}: descent records no gradient, PyTorch has a nonzero one`);
          return;
        }
        const grads = grad(out.mul(decode(c.weights)).sum(), gradNames.map((n) => inputs[n]), { allowUnused: true });
        gradNames.forEach((n, k) => assertClose(grads[k], decode(c.grads[n]), { what: `${c.name} gradient of ${n} on ${backend}` }));
      });
    });
  }
});

// ---- gradcheck and gradgradcheck, every backend ---------------------------------------------

let seed = 1900;
const x = (shape: number[], low = -1, high = 1): Tensor => draw(shape, seed++, { low, high });
/** Distinct, well separated values (so that sort orders stay put under finite differences). */
const spread = (shape: number[]): Tensor => {
  const t = x(shape);
  const order = Array.from(t.data.keys()).sort((a, b) => t.data[a] - t.data[b]);
  order.forEach((j, r) => (t.data[j] = (r - order.length / 2) * 0.3 + t.data[j] * 0.01));
  return t;
};

interface GradCase {
  name: string;
  f: (...xs: Tensor[]) => Tensor;
  inputs: Tensor[];
}

const gradCases: GradCase[] = [
  { name: 'flip', f: (a) => flip(a, [0, 2]), inputs: [x([2, 3, 2])] },
  { name: 'roll', f: (a) => roll(a, [1, -2], [0, 1]), inputs: [x([3, 4])] },
  { name: 'repeat', f: (a) => repeat(a, [2, 1, 2]), inputs: [x([2, 3])] },
  { name: 'tile', f: (a) => tile(a, [3]), inputs: [x([2, 2])] },
  { name: 'repeatInterleave', f: (a) => repeatInterleave(a, [2, 0, 1], 1), inputs: [x([2, 3])] },
  { name: 'unfold', f: (a) => unfold(a, 1, 3, 1), inputs: [x([2, 5])] },
  { name: 'tril', f: (a) => tril(a, -1), inputs: [x([2, 3, 3])] },
  { name: 'triu', f: (a) => triu(a, 1), inputs: [x([3, 4])] },
  { name: 'diag (vector to matrix)', f: (a) => diag(a, 1), inputs: [x([3])] },
  { name: 'diag (matrix to vector)', f: (a) => diag(a, -1), inputs: [x([4, 3])] },
  { name: 'trace', f: (a) => trace(a), inputs: [x([3, 3])] },
  { name: 'maskedFill (tensor value)', f: (a, v) => maskedFill(a, f64([1, 0, 1], [3]), v), inputs: [x([2, 3]), x([])] },
  { name: 'indexAdd', f: (a, s) => indexAdd(a, 1, [2, 0, 2], s, { alpha: 1.5 }), inputs: [x([2, 3]), x([2, 3])] },
  { name: 'meshgrid', f: (a, b) => { const [p, q] = meshgrid([a, b], { indexing: 'xy' }); return p.mul(q); }, inputs: [x([2]), x([3])] },
  { name: 'sort values', f: (a) => sort(a, 1, true).values, inputs: [spread([2, 4])] },
  { name: 'topk values', f: (a) => topk(a, 2, 0).values, inputs: [spread([4, 2])] },
  { name: 'median values', f: (a) => median(a, 1).values, inputs: [spread([3, 4])] },
  { name: 'median of all', f: (a) => median(a), inputs: [spread([5])] },
  { name: 'outer', f: (a, b) => outer(a, b), inputs: [x([3]), x([2])] },
  { name: 'kron', f: (a, b) => kron(a, b), inputs: [x([2, 2]), x([1, 3])] },
  { name: 'einsum matmul', f: (a, b) => einsum('ij,jk->ik', a, b), inputs: [x([2, 3]), x([3, 2])] },
  { name: 'einsum three operands with a diagonal', f: (a, b, c) => einsum('iij,jk,k->i', a, b, c), inputs: [x([2, 2, 3]), x([3, 2]), x([2])] },
  { name: 'einsum broadcast', f: (a, b) => einsum('...ij,...j', a, b), inputs: [x([2, 2, 3]), x([2, 1, 3])] },
  { name: 'cdist p=2', f: (a, b) => cdist(a, b), inputs: [x([3, 2]), x([2, 2])] },
  { name: 'cdist p=3', f: (a, b) => cdist(a, b, 3), inputs: [x([3, 2]), x([2, 2])] },
  { name: 'cdist p=1', f: (a, b) => cdist(a, b, 1), inputs: [x([2, 3]), x([2, 3], 2, 3)] },
];

describe('gradcheck and gradgradcheck of the shape, sort and index ops, every backend', () => {
  for (const c of gradCases) {
    test(c.name, () => {
      forEachBackend((backend) => {
        const first = gradcheck(c.f, c.inputs);
        assert.ok(first.ok, `gradcheck of ${c.name} on ${backend}: worst ${first.worst} at ${first.detail}`);
        // Squared, so the second derivative also runs through the op's own backward.
        const second = gradgradcheck((...xs) => c.f(...xs).square(), c.inputs);
        assert.ok(second.ok, `gradgradcheck of ${c.name} on ${backend}: worst ${second.worst} at ${second.detail}`);
      });
    });
  }
});

// ---- behaviours the fixture does not show ---------------------------------------------------

describe('sort, topk, median: order details', () => {
  test('indices are int32 tensors, whatever the input dtype', () => {
    const r = sort(tensor([3, 1, 2]));
    assert.equal(r.indices.dtype, 'int32');
    assert.deepEqual(Array.from(r.indices.data), [1, 2, 0]);
    assert.equal(sort(f64([2, 1])).indices.dtype, 'int32');
    assert.deepEqual(Array.from(argsort(f64([2, 1, 3]), 0, true).data), [2, 0, 1]);
  });
  test('NaN sorts as the largest value, and a NaN makes the median NaN', () => {
    assert.deepEqual(Array.from(sort(f64([2, NaN, -1])).indices.data), [2, 0, 1]);
    assert.deepEqual(Array.from(sort(f64([2, NaN, -1]), 0, true).indices.data), [1, 0, 2]);
    const m = median(f64([1, NaN, 3, 2]), 0);
    assert.ok(Number.isNaN(m.values.item()));
    assert.equal(m.indices.item(), 1);
  });
  test('a 0-d tensor sorts as one element', () => {
    const r = sort(f64([5], []));
    assert.deepEqual([...r.values.shape], []);
    assert.equal(r.indices.item(), 0);
  });
  test('sort gradients go to the element each value came from', () => {
    const a = f64([3, 1, 2]);
    a.requiresGrad = true;
    const [g] = grad(sort(a).values.mul(f64([10, 20, 30])).sum(), [a]);
    assert.deepEqual(Array.from(g.data), [30, 10, 20]);
  });
  test('median of an even count is the lower middle value, not the mean', () => {
    assert.equal(median(f64([4, 1, 3, 2])).item(), 2);
  });
});

describe('roll, repeatInterleave, unfold, diag, maskedFill, einsum: details', () => {
  test('roll without axes rolls the flattened tensor', () => {
    assert.deepEqual(roll(tensor([[1, 2], [3, 4]]), 1).toArray(), [[4, 1], [2, 3]]);
  });
  test('repeatInterleave takes counts as a tensor', () => {
    assert.deepEqual(repeatInterleave(tensor([1, 2, 3]), tensor([1, 0, 2]), 0).toArray(), [1, 3, 3]);
  });
  test('tril and maskedFill zero or fill without touching infinities elsewhere', () => {
    assert.deepEqual(tril(tensor([[1, Infinity], [2, 3]])).toArray(), [[1, 0], [2, 3]]);
    assert.deepEqual(maskedFill(tensor([Infinity, 1]), tensor([1, 0]), 0).toArray(), [0, 1]);
  });
  test('cdist has a zero gradient where two rows coincide (as PyTorch)', () => {
    const a = f64([1, 2], [1, 2]);
    a.requiresGrad = true;
    const [g] = grad(cdist(a, f64([1, 2], [1, 2])).sum(), [a]);
    assert.deepEqual(Array.from(g.data), [0, 0]);
  });
  test('einsum implicit output orders upper case before lower case', () => {
    const a = draw([2, 3], 1);
    assertClose(einsum('aB', a), a.T);
  });
});

describe('errors name the op and what was expected', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['repeat with too few counts', () => repeat(tensor([[1]]), [2]), /repeat: 1 repeat counts for a tensor of shape \[1,1\]; expected at least one per axis/],
    ['repeatInterleave with the wrong number of counts', () => repeatInterleave(tensor([1, 2]), [1], 0), /repeatInterleave: 1 repeat counts for axis 0 of size 2/],
    ['unfold window larger than the axis', () => unfold(tensor([1, 2]), 0, 3, 1), /unfold: size 3 exceeds axis 0 of size 2/],
    ['unfold with step 0', () => unfold(tensor([1, 2]), 0, 1, 0), /unfold: step must be a positive integer, got 0/],
    ['roll with shifts and axes of different lengths', () => roll(tensor([1]), [1, 2], [0]), /roll: got 2 shifts for 1 axes/],
    ['tril of a vector', () => tril(tensor([1, 2])), /tril: expected a tensor with at least 2 axes/],
    ['diag of a 3-D tensor', () => diag(tensor([[[1]]])), /diag: expected a vector or a matrix, got shape \[1,1,1\]/],
    ['trace of a vector', () => trace(tensor([1])), /trace: expected a matrix/],
    ['maskedFill with a mask that does not broadcast', () => maskedFill(tensor([1, 2]), tensor([1, 0, 1]), 0), /maskedFill/],
    ['maskedFill with a vector value', () => maskedFill(tensor([1, 2]), tensor([1, 0]), tensor([1, 2])), /maskedFill: value must be a number or a 0-d tensor/],
    ['indexAdd with an index out of range', () => indexAdd(tensor([1, 2]), 0, [2], tensor([1])), /indexAdd: index 2 at position 0 is out of range for axis 0 of size 2/],
    ['indexAdd with a source of the wrong shape', () => indexAdd(tensor([1, 2]), 0, [1], tensor([1, 2])), /indexAdd: source has shape \[2\]; expected \[1\]/],
    ['indexAdd with an unknown option', () => indexAdd(tensor([1, 2]), 0, [1], tensor([1]), { alhpa: 2 } as never), /indexAdd: unknown option 'alhpa' \(did you mean 'alpha'\?\)/],
    ['meshgrid with a bad indexing', () => meshgrid([tensor([1])], { indexing: 'yx' as never }), /meshgrid: indexing must be 'ij' or 'xy', got "yx"/],
    ['meshgrid of a matrix', () => meshgrid([tensor([[1]])]), /meshgrid: element 0 has shape \[1,1\]; expected a vector/],
    ['topk with k too large', () => topk(tensor([1, 2]), 3), /topk: k must be an integer in \[0, 2\]/],
    ['median of an empty tensor', () => median(tensor([])), /median: cannot take the median of an empty tensor/],
    ['outer of matrices', () => outer(tensor([[1]]), tensor([1])), /outer: expected two vectors, got shapes \[1,1\] and \[1\]/],
    ['einsum with the wrong operand count', () => einsum('ij,jk', tensor([[1]])), /einsum: 'ij,jk' has 2 input terms but 1 operands were given/],
    ['einsum with too few subscripts', () => einsum('i', tensor([[1]])), /einsum: operand 0 of 'i' has 1 subscripts for 2 axes/],
    ['einsum with an unknown output subscript', () => einsum('i->j', tensor([1])), /einsum: 'i->j' has the output subscript 'j', which no input has/],
    ['einsum with a repeated output subscript', () => einsum('ij->ii', tensor([[1]])), /einsum: 'ij->ii' repeats the subscript 'i' in its output/],
    ['einsum with a bad character', () => einsum('i1', tensor([[1]])), /einsum: 'i1' has the character '1'/],
    ['einsum with sizes that do not match', () => einsum('i,i', tensor([1, 2]), tensor([1, 2, 3])), /einsum: 'i,i' gives the subscript 'i' sizes 2 and 3/],
    ['cdist with different row lengths', () => cdist(tensor([[1, 2]]), tensor([[1]])), /cdist: expected x1 \[\.\.\., P, M\] and x2 \[\.\.\., R, M\] with the same M/],
    ['cdist with negative p', () => cdist(tensor([[1]]), tensor([[1]]), -1), /cdist: p must be a non-negative number or Infinity, got -1/],
  ];
  for (const [name, f, message] of cases) test(name, () => assert.throws(f, message));
});
