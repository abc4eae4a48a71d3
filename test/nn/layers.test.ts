/** Every layer's forward output and gradients against PyTorch (test/fixtures/nn/layers.json), in float64. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/index.js';
import * as nn from '../../src/nn/index.js';
import { close, loadFixture, setParams, T, type TensorJSON } from './fixtures.js';
import { assertClose } from '../helpers/close.js';

interface LayerCase {
  name: string;
  params: Record<string, TensorJSON>;
  paramNames: string[];
  stateDictKeys: string[];
  input: TensorJSON;
  output: TensorJSON;
  gradOut: TensorJSON;
  inputGrad?: TensorJSON;
  paramGrads: Record<string, TensorJSON>;
  buffersAfter?: Record<string, TensorJSON>;
  evalOutput?: TensorJSON;
}

const f64 = { dtype: 'float64' } as const;

const factories: Record<string, () => nn.Module> = {
  linear: () => new nn.Linear(5, 3, f64),
  linear_nobias: () => new nn.Linear(5, 3, { ...f64, bias: false }),
  conv2d: () => new nn.Conv2d(3, 4, 3, { ...f64, stride: 2, padding: 1 }),
  conv2d_groups_dilation: () => new nn.Conv2d(4, 6, 3, { ...f64, padding: 2, dilation: 2, groups: 2 }),
  conv_transpose2d: () => new nn.ConvTranspose2d(3, 2, 3, { ...f64, stride: 2, padding: 1, outputPadding: 1 }),
  conv_transpose2d_groups: () => new nn.ConvTranspose2d(4, 6, [3, 2], { ...f64, stride: [1, 2], groups: 2, bias: false }),
  maxpool2d: () => new nn.MaxPool2d(2),
  maxpool2d_stride_pad: () => new nn.MaxPool2d(3, { stride: 2, padding: 1 }),
  avgpool2d: () => new nn.AvgPool2d(2),
  avgpool2d_pad_exclude: () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
  flatten: () => new nn.Flatten(),
  embedding: () => new nn.Embedding(5, 4, f64),
  embedding_padding: () => new nn.Embedding(5, 4, { ...f64, paddingIdx: 3 }),
  relu: () => new nn.ReLU(),
  leaky_relu: () => new nn.LeakyReLU(0.2),
  elu: () => new nn.ELU(0.7),
  selu: () => new nn.SELU(),
  gelu: () => new nn.GELU(),
  gelu_tanh: () => new nn.GELU('tanh'),
  tanh: () => new nn.Tanh(),
  sigmoid: () => new nn.Sigmoid(),
  softplus: () => new nn.Softplus(2),
  silu: () => new nn.SiLU(),
  sequential_mlp: () => new nn.Sequential(new nn.Linear(6, 8, f64), new nn.Tanh(), new nn.Linear(8, 3, f64)),
  basic_block: () => new nn.BasicBlock(3, 4, { ...f64, stride: 2 }),
};

const cases = loadFixture<{ cases: LayerCase[] }>('layers.json').cases;

describe('layers match PyTorch (forward and gradients, float64)', () => {
  it('has a factory for every fixture case', () => {
    assert.deepEqual(cases.map((c) => c.name).filter((n) => !factories[n]), []);
  });
  for (const c of cases) {
    it(c.name, () => {
      const m = factories[c.name]();
      assert.deepEqual(m.namedParameters().map(([n]) => n), c.paramNames, 'parameter names (dotted, in order) match PyTorch');
      setParams(m, c.params);
      const embedding = c.name.startsWith('embedding');
      const x = embedding ? T(c.input) : T(c.input, true);
      const y = m.forward(x);
      close(y, c.output, `${c.name} output`);
      y.mul(T(c.gradOut)).sum().backward();
      if (c.inputGrad) close(x.grad!, c.inputGrad, `${c.name} input gradient`);
      const params = new Map(m.namedParameters());
      for (const [name, g] of Object.entries(c.paramGrads)) {
        const p = params.get(name)!;
        assert.ok(p.grad, `${c.name}: ${name} has a gradient`);
        close(p.grad, g, `${c.name} grad of ${name}`);
      }
      if (c.buffersAfter) {
        const buffers = new Map(m.namedBuffers());
        for (const [name, b] of Object.entries(c.buffersAfter)) {
          const ours = name.replace('running_mean', 'runningMean').replace('running_var', 'runningVar');
          close(buffers.get(ours)!, b, `${c.name} buffer ${name}`);
        }
      }
      if (c.evalOutput) {
        m.eval();
        close(m.forward(T(c.input)), c.evalOutput, `${c.name} eval output`);
      }
    });
    it(`${c.name} (float32)`, () => {
      const m = factories[c.name]().float();
      setParams(m, c.params);
      assert.ok(m.parameters().every((p) => p.dtype === 'float32'));
      const x = T(c.input).float();
      if (!c.name.startsWith('embedding')) x.requiresGrad_();
      const y = m.forward(x);
      assert.equal(y.dtype, 'float32');
      assertClose(y, T(c.output), { atol: 1e-5, rtol: 1e-4, what: `${c.name} float32 output` });
      y.mul(T(c.gradOut).float()).sum().backward();
      if (c.inputGrad) assertClose(x.grad!, T(c.inputGrad), { atol: 1e-5, rtol: 1e-4, what: `${c.name} float32 input gradient` });
    });
  }
});

describe('dropout', () => {
  it('zeros about p of the elements in training, scales survivors by 1/(1-p), is seeded, and is the identity in eval', async () => {
    const { Generator, ones } = await import('../../src/tensor/index.js');
    const x = ones([200, 100]);
    const d = new nn.Dropout(0.3, { generator: new Generator(7) });
    const y = d.forward(x);
    let zeros = 0;
    for (const v of y.data) {
      if (v === 0) zeros++;
      else assert.ok(Math.abs(v - 1 / 0.7) < 1e-6);
    }
    assert.ok(Math.abs(zeros / x.numel() - 0.3) < 0.01, `dropped fraction ${zeros / x.numel()}`);
    const again = new nn.Dropout(0.3, { generator: new Generator(7) }).forward(x);
    assert.deepEqual([...again.data], [...y.data], 'same seed, same mask');
    d.eval();
    assert.equal(d.forward(x), x);
    const z = new nn.Dropout2d(0.5, { generator: new Generator(1) }).forward(ones([4, 6, 3, 3]));
    for (let c = 0; c < 24; c++) {
      const plane = z.data.subarray(c * 9, (c + 1) * 9);
      assert.ok(plane.every((v) => v === plane[0]), 'Dropout2d drops whole channels');
    }
    assert.throws(() => new nn.Dropout(1.5), /p must be a probability/);
  });

  it('passes gradients only through kept elements', async () => {
    const { Generator, randn } = await import('../../src/tensor/index.js');
    const x = randn([10, 10], { generator: new Generator(3) }).requiresGrad_();
    const y = new nn.Dropout(0.5, { generator: new Generator(4) }).forward(x);
    y.sum().backward();
    for (let i = 0; i < x.numel(); i++) assert.equal(x.grad!.data[i], y.data[i] === 0 ? 0 : 2);
  });
});

describe('Residual', () => {
  it('adds the identity (or a shortcut) to the body and checks shapes', () => {
    const body = new nn.Linear(4, 4, f64);
    const r = new nn.Residual(body, { activation: new nn.ReLU() });
    const x = T({ shape: [2, 4], data: [1, -2, 3, -4, 0.5, 0.1, -0.3, 2] });
    const expected = body.forward(x).add(x).relu();
    assert.deepEqual([...r.forward(x).data], [...expected.data]);
    assert.deepEqual(r.namedParameters().map(([n]) => n), ['body.weight', 'body.bias']);
    const bad = new nn.Residual(new nn.Linear(4, 3, f64));
    assert.throws(() => bad.forward(x), /differ in shape; give a shortcut/);
    const fixed = new nn.Residual(new nn.Linear(4, 3, f64), { shortcut: new nn.Linear(4, 3, { ...f64, bias: false }) });
    assert.deepEqual(fixed.forward(x).shape, [2, 3]);
  });

  it('a deep residual MLP keeps the signal alive where a plain one does not', async () => {
    const { Generator, randn } = await import('../../src/tensor/index.js');
    const g = new Generator(11);
    const depth = 30;
    const plain = new nn.Sequential(...Array.from({ length: depth }, () => new nn.Sequential(new nn.Linear(16, 16, { generator: g }), new nn.Tanh())));
    const residual = new nn.Sequential(...Array.from({ length: depth }, () => new nn.Residual(new nn.Sequential(new nn.Linear(16, 16, { generator: g }), new nn.Tanh()))));
    const x = randn([8, 16], { generator: g }).requiresGrad_();
    plain.forward(x).sum().backward();
    const gPlain = x.grad!.norm().item();
    x.grad = null;
    residual.forward(x).sum().backward();
    const gRes = x.grad!.norm().item();
    assert.ok(gRes > 100 * gPlain, `input-gradient norm: residual ${gRes} vs plain ${gPlain}`);
  });
});

describe('Embedding', () => {
  it('rejects indices out of range', () => {
    const e = new nn.Embedding(3, 2);
    assert.throws(() => e.forward(new Tensor(new Float32Array([0, 3]), [2])), /index 3 at flat position 1 is not an integer in \[0, 2\]/);
  });
});
