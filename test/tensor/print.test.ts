// Tensors print as PyTorch prints them: the expected strings are torch's own repr
// (scripts/fixtures/print_fixtures.py), with descent's names in the suffixes.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/tensor/tensor.js';
import { tensor, zeros } from '../../src/tensor/creation.js';
import { formatTensor, getPrintOptions, setPrintOptions, type PrintOptions } from '../../src/tensor/print.js';

interface PrintCase {
  name: string;
  shape: number[];
  dtype: 'float32' | 'float64';
  grad: null | 'leaf' | 'mul';
  options: Partial<PrintOptions>;
  values: (number | string)[];
  expected: string;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/tensor/print.json', import.meta.url), 'utf8')) as { cases: PrintCase[] };

function build(c: PrintCase): Tensor {
  // JSON has no nan or inf: the fixture writes them as Python spells them.
  const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
  const values = c.values.map((v) => (typeof v === 'number' ? v : special[v]));
  const data = c.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  const t = new Tensor(data, c.shape);
  if (c.grad === 'leaf') return t.requiresGrad_();
  if (c.grad === 'mul') return t.requiresGrad_().mul(1);
  return t;
}

describe('printing', () => {
  afterEach(() => setPrintOptions('default'));

  for (const c of fixture.cases) {
    test(`matches torch: ${c.name}`, () => {
      setPrintOptions(c.options);
      assert.equal(build(c).toString(), c.expected);
    });
  }

  test('console.log and util.inspect print the values, not the fields', () => {
    const t = tensor([[1, 2], [3, 4.5]]);
    assert.equal(inspect(t), 'tensor([[1.0000, 2.0000],\n        [3.0000, 4.5000]])');
    assert.equal(`${tensor([1, 2])}`, 'tensor([1., 2.])');
  });

  test('empty tensors show their shape when not 1-d', () => {
    assert.equal(zeros([0]).toString(), 'tensor([])');
    assert.equal(zeros([0, 3]).toString(), 'tensor([], size=[0, 3])');
  });

  test('integer and boolean dtypes print without decimals', () => {
    const base = { requiresGrad: false, gradFn: null };
    assert.equal(formatTensor({ ...base, data: Int32Array.from([1, -20, 3]), shape: [3], dtype: 'int32' }), 'tensor([  1, -20,   3], dtype=int32)');
    assert.equal(formatTensor({ ...base, data: Uint8Array.from([1, 0]), shape: [2], dtype: 'bool' }), 'tensor([ true, false], dtype=bool)');
  });

  test('setPrintOptions validates and merges; getPrintOptions reads them', () => {
    setPrintOptions({ precision: 2 });
    setPrintOptions({ linewidth: 100 });
    assert.deepEqual(getPrintOptions(), { precision: 2, threshold: 1000, edgeItems: 3, linewidth: 100 });
    setPrintOptions({ threshold: Infinity });
    assert.equal(zeros([2000]).toString().includes('...'), false);
    assert.throws(() => setPrintOptions({ precision: -1 }), /precision must be an integer >= 0, got -1/);
    assert.throws(() => setPrintOptions({ edgeitems: 2 } as never), /unknown option 'edgeitems'; expected one of precision, threshold, edgeItems, linewidth/);
  });
});
