/**
 * Normalization layers and weight reparametrizations against PyTorch
 * (test/fixtures/nn/norms.json): several training steps (outputs, gradients, running
 * statistics), then eval mode.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, randn } from '../../src/tensor/index.js';
import * as nn from '../../src/nn/index.js';
import { close, loadFixture, setParams, T, type TensorJSON } from './fixtures.js';

interface Step {
  input: TensorJSON;
  output: TensorJSON;
  gradOut: TensorJSON;
  inputGrad: TensorJSON;
  paramGrads: Record<string, TensorJSON>;
  buffers?: Record<string, TensorJSON>;
  u?: TensorJSON;
  v?: TensorJSON;
  weight?: TensorJSON;
}

interface NormCase {
  name: string;
  params: Record<string, TensorJSON>;
  steps: Step[];
  eval: { input: TensorJSON; output: TensorJSON; u?: TensorJSON };
  // layer-style cases (weight norm)
  input?: TensorJSON;
  output?: TensorJSON;
  gradOut?: TensorJSON;
  inputGrad?: TensorJSON;
  paramGrads?: Record<string, TensorJSON>;
  weight?: TensorJSON;
  paramNames?: string[];
  stateDictKeys?: string[];
  u0?: TensorJSON;
  v0?: TensorJSON;
  nPowerIterations?: number;
}

const f64 = { dtype: 'float64' } as const;
const bufferName: Record<string, string> = { running_mean: 'runningMean', running_var: 'runningVar', num_batches_tracked: 'numBatchesTracked' };

const normFactories: Record<string, () => nn.Module> = {
  batchnorm1d_2d: () => new nn.BatchNorm1d(4, f64),
  batchnorm1d_3d: () => new nn.BatchNorm1d(3, { ...f64, momentum: 0.3 }),
  batchnorm1d_cumulative: () => new nn.BatchNorm1d(3, { ...f64, momentum: null }),
  batchnorm2d: () => new nn.BatchNorm2d(3, f64),
  batchnorm2d_noaffine: () => new nn.BatchNorm2d(2, { ...f64, affine: false, eps: 1e-3 }),
  batchnorm2d_nostats: () => new nn.BatchNorm2d(2, { ...f64, trackRunningStats: false }),
  layernorm: () => new nn.LayerNorm([4, 5], f64),
  layernorm_1d: () => new nn.LayerNorm(6, { ...f64, eps: 1e-3 }),
  groupnorm: () => new nn.GroupNorm(2, 6, f64),
  groupnorm_4d_3groups: () => new nn.GroupNorm(3, 6, { ...f64, affine: false }),
  instancenorm2d: () => new nn.InstanceNorm2d(3, { ...f64, affine: true }),
  instancenorm2d_tracked: () => new nn.InstanceNorm2d(3, { ...f64, affine: true, trackRunningStats: true }),
};

const cases = loadFixture<{ cases: NormCase[] }>('norms.json').cases;
const byName = new Map(cases.map((c) => [c.name, c]));

function checkStep(m: nn.Module, s: Step, what: string): void {
  const x = T(s.input, true);
  m.zeroGrad();
  const y = m.forward(x);
  close(y, s.output, `${what} output`);
  y.mul(T(s.gradOut)).sum().backward();
  close(x.grad!, s.inputGrad, `${what} input gradient`, 1e-8);
  const params = new Map(m.namedParameters());
  for (const [name, g] of Object.entries(s.paramGrads)) close(params.get(name)!.grad!, g, `${what} grad of ${name}`, 1e-8);
  const buffers = new Map(m.namedBuffers());
  for (const [name, b] of Object.entries(s.buffers ?? {})) {
    const ours = bufferName[name] ?? name;
    assert.ok(buffers.has(ours), `${what}: buffer ${ours} exists`);
    close(buffers.get(ours)!, b, `${what} buffer ${name}`);
  }
}

describe('normalization layers match PyTorch in train and eval mode', () => {
  for (const [name, make] of Object.entries(normFactories)) {
    it(name, () => {
      const c = byName.get(name)!;
      const m = make();
      setParams(m, c.params);
      c.steps.forEach((s, i) => checkStep(m, s, `${name} step ${i}`));
      m.eval();
      close(m.forward(T(c.eval.input)), c.eval.output, `${name} eval output`);
    });
  }

  it('BatchNorm refuses a single value per channel in training, wrong ranks and channel counts', () => {
    const bn = new nn.BatchNorm1d(3);
    assert.throws(() => bn.forward(randn([1, 3])), /more than 1 value per channel/);
    assert.throws(() => bn.forward(randn([4, 2])), /expected 3 channels/);
    assert.throws(() => new nn.BatchNorm2d(3).forward(randn([2, 3, 4])), /expected 4-D input/);
    bn.eval();
    assert.deepEqual(bn.forward(randn([1, 3])).shape, [1, 3], 'eval mode works on a single sample');
  });

  it('GroupNorm and LayerNorm check their shapes', () => {
    assert.throws(() => new nn.GroupNorm(4, 6), /divisible by numGroups/);
    assert.throws(() => new nn.LayerNorm([4, 5]).forward(randn([3, 5, 4])), /does not end in the normalized shape/);
  });
});

describe('weight normalization matches PyTorch', () => {
  for (const [name, make] of [
    ['weightnorm_linear', () => nn.weightNorm(new nn.Linear(5, 3, f64))],
    ['weightnorm_conv2d', () => nn.weightNorm(new nn.Conv2d(2, 3, 3, f64))],
  ] as const) {
    it(name, () => {
      const c = byName.get(name)!;
      const m = make();
      assert.deepEqual(m.namedParameters().map(([n]) => n), c.paramNames, 'parameters are bias, weight_g, weight_v as in PyTorch');
      assert.deepEqual(Object.keys(m.stateDict()), c.stateDictKeys);
      setParams(m, c.params);
      const x = T(c.input!, true);
      const y = m.forward(x);
      close(y, c.output!, `${name} output`);
      close((m as unknown as { weight: import('../../src/tensor/index.js').Tensor }).weight, c.weight!, `${name} weight`);
      y.mul(T(c.gradOut!)).sum().backward();
      close(x.grad!, c.inputGrad!, `${name} input gradient`);
      const params = new Map(m.namedParameters());
      for (const [p, g] of Object.entries(c.paramGrads!)) close(params.get(p)!.grad!, g, `${name} grad of ${p}`);
    });
  }

  it('removeWeightNorm bakes the weight back into a plain parameter', () => {
    const lin = nn.weightNorm(new nn.Linear(4, 2, { generator: new Generator(1) }), 'weight');
    const x = randn([3, 4], { generator: new Generator(2) });
    const before = lin.forward(x);
    nn.removeWeightNorm(lin);
    assert.deepEqual(lin.namedParameters().map(([n]) => n).sort(), ['bias', 'weight']);
    const after = lin.forward(x);
    for (let i = 0; i < before.numel(); i++) assert.ok(Math.abs(before.data[i] - after.data[i]) < 1e-6);
    assert.throws(() => nn.removeWeightNorm(lin), /not reparametrized by weightNorm/);
    assert.throws(() => nn.weightNorm(new nn.ReLU()), /has no parameter 'weight'/);
  });
});

describe('spectral normalization matches PyTorch (power iteration with persistent u)', () => {
  for (const [name, make] of [
    ['spectralnorm_linear', (n: number) => nn.spectralNorm(new nn.Linear(6, 4, f64), { nPowerIterations: n })],
    ['spectralnorm_conv2d', (n: number) => nn.spectralNorm(new nn.Conv2d(2, 3, 3, f64), { nPowerIterations: n })],
    ['spectralnorm_convtranspose2d', (n: number) => nn.spectralNorm(new nn.ConvTranspose2d(3, 2, 3, { ...f64, stride: 2 }), { nPowerIterations: n })],
  ] as const) {
    it(name, () => {
      const c = byName.get(name)!;
      const m = make(c.nPowerIterations!);
      assert.deepEqual(Object.keys(m.stateDict()), c.stateDictKeys, 'state dict keys are those of PyTorch (bias, weight_orig, weight_u, weight_v)');
      setParams(m, c.params);
      const bufs = new Map(m.namedBuffers());
      bufs.get('weight_u')!.data.set(c.u0!.data);
      bufs.get('weight_v')!.data.set(c.v0!.data);
      c.steps.forEach((s, i) => {
        checkStep(m, s, `${name} step ${i}`);
        close(bufs.get('weight_u')!, s.u!, `${name} step ${i} u`);
        close(bufs.get('weight_v')!, s.v!, `${name} step ${i} v`);
      });
      m.eval();
      close(m.forward(T(c.eval.input)), c.eval.output, `${name} eval output`);
      close(bufs.get('weight_u')!, c.eval.u!, `${name} eval leaves u unchanged`);
    });
  }

  it('after many iterations the normalized weight has spectral norm 1', () => {
    const lin = nn.spectralNorm(new nn.Linear(8, 5, { dtype: 'float64', generator: new Generator(3) }), { nPowerIterations: 50, generator: new Generator(4) });
    lin.forward(randn([1, 8], { dtype: 'float64' }));
    const w = (lin as unknown as { weight: import('../../src/tensor/index.js').Tensor }).weight.detach();
    // power iteration on W^T W for its largest eigenvalue
    let v = randn([8], { dtype: 'float64', generator: new Generator(5) });
    for (let i = 0; i < 300; i++) {
      const wv = w.matmul(v);
      v = w.T.matmul(wv);
      v = v.div(v.norm());
    }
    const sigma = w.matmul(v).norm().item();
    assert.ok(Math.abs(sigma - 1) < 1e-6, `largest singular value ${sigma}`);
  });
});
