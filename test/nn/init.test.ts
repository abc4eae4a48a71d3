/**
 * Initializers against PyTorch (test/fixtures/nn/init.json). descent's generator differs from
 * torch's, so draws are compared by statistics (mean, std) and bounds, gains and fans exactly.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, randn, Tensor, zeros } from '../../src/tensor/index.js';
import * as nn from '../../src/nn/index.js';
import { loadFixture } from './fixtures.js';

interface Stats { mean: number; std: number; min: number; max: number; count: number }
interface Draw { name: string; shape: number[]; options: Record<string, unknown>; kind: string; expectedStd: number | null; bound?: number; torch: Stats }
interface InitFixture {
  gains: Record<string, number>;
  fans: { shape: number[]; fanIn: number; fanOut: number }[];
  draws: Draw[];
  defaults: { layer: string; params: Record<string, { shape: number[]; torch: Stats }>; bound: number | null }[];
}

const fx = loadFixture<InitFixture>('init.json');

function stats(t: Tensor): Stats {
  const d = t.data;
  let mean = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of d) {
    mean += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  mean /= d.length;
  let ss = 0;
  for (const v of d) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (d.length - 1)), min, max, count: d.length };
}

/** descent's draw must agree with torch's: same std within 2%, mean within 5 standard errors, and inside the bound. */
function agree(ours: Stats, theirs: Stats, what: string, bound?: number): void {
  assert.ok(Math.abs(ours.std - theirs.std) / theirs.std < 0.02, `${what}: std ${ours.std} vs torch ${theirs.std}`);
  const se = theirs.std / Math.sqrt(theirs.count);
  assert.ok(Math.abs(ours.mean - theirs.mean) < 6 * se, `${what}: mean ${ours.mean} vs torch ${theirs.mean} (standard error ${se})`);
  if (bound !== undefined) {
    assert.ok(ours.max <= bound && ours.min >= -bound, `${what}: values within +-${bound} (min ${ours.min}, max ${ours.max})`);
    // a large uniform draw comes close to its bounds, as torch's did
    assert.ok(ours.max > 0.95 * theirs.max, `${what}: max ${ours.max} vs torch ${theirs.max}`);
  }
}

describe('init: gains and fans as PyTorch', () => {
  it('calculateGain', () => {
    for (const [name, gain] of Object.entries(fx.gains)) {
      const ours = name === 'leaky_relu_0.2' ? nn.init.calculateGain('leaky_relu', 0.2) : nn.init.calculateGain(name as nn.init.Nonlinearity);
      assert.ok(Math.abs(ours - gain) < 1e-12, `${name}: ${ours} vs ${gain}`);
    }
    assert.throws(() => nn.init.calculateGain('swish' as never), /unsupported nonlinearity 'swish'/);
  });

  it('calculateFanInAndFanOut', () => {
    for (const f of fx.fans) assert.deepEqual(nn.init.calculateFanInAndFanOut(f.shape), { fanIn: f.fanIn, fanOut: f.fanOut });
    assert.throws(() => nn.init.calculateFanInAndFanOut([5]), /fewer than 2 dimensions/);
  });
});

describe('init: draws match PyTorch statistics', () => {
  for (const d of fx.draws) {
    it(`${d.name} ${JSON.stringify(d.options)} [${d.shape}]`, () => {
      const t = zeros(d.shape, { dtype: 'float64' });
      const generator = new Generator(42);
      const o = { ...d.options, generator } as Record<string, any>;
      switch (d.name) {
        case 'uniform': nn.init.uniform(t, o.low, o.high, { generator }); break;
        case 'normal': nn.init.normal(t, o.mean, o.std, { generator }); break;
        case 'xavierUniform': nn.init.xavierUniform(t, o); break;
        case 'xavierNormal': nn.init.xavierNormal(t, o); break;
        case 'kaimingUniform': nn.init.kaimingUniform(t, o); break;
        case 'kaimingNormal': nn.init.kaimingNormal(t, o); break;
        case 'lecunUniform': nn.init.lecunUniform(t, o); break;
        case 'lecunNormal': nn.init.lecunNormal(t, o); break;
        case 'orthogonal': nn.init.orthogonal(t, o); break;
        case 'truncNormal': nn.init.truncNormal(t, o); break;
        default: assert.fail(`no initializer ${d.name}`);
      }
      const ours = stats(t);
      if (d.kind === 'orthogonal') {
        // exact property: the rows (or columns) are orthonormal up to the gain
        const rows = d.shape[0];
        const m = t.reshape(rows, -1);
        const cols = m.shape[1];
        const gram = rows <= cols ? m.matmul(m.T) : m.T.matmul(m);
        const gain = (d.options.gain as number | undefined) ?? 1;
        const n = Math.min(rows, cols);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            assert.ok(Math.abs(gram.data[i * n + j] - (i === j ? gain * gain : 0)) < 1e-10, `gram[${i},${j}] = ${gram.data[i * n + j]}`);
          }
        }
        assert.ok(Math.abs(ours.std - d.torch.std) / d.torch.std < 0.05, `orthogonal std ${ours.std} vs torch ${d.torch.std}`);
        return;
      }
      if (d.expectedStd !== null) assert.ok(Math.abs(d.torch.std - d.expectedStd) / d.expectedStd < 0.02, 'the fixture itself agrees with the formula');
      agree(ours, d.torch, d.name, d.bound);
    });
  }

  it('initializers are seeded by their generator', () => {
    const a = nn.init.kaimingNormal(zeros([10, 10]), { generator: new Generator(5) });
    const b = nn.init.kaimingNormal(zeros([10, 10]), { generator: new Generator(5) });
    assert.deepEqual([...a.data], [...b.data]);
    assert.throws(() => nn.init.kaimingUniform(zeros([4, 4]), { mode: 'fanAvg' as never }), /mode must be 'fanIn' or 'fanOut'/);
    assert.deepEqual([...nn.init.constant(zeros([3]), 2.5).data], [2.5, 2.5, 2.5]);
    assert.deepEqual([...nn.init.ones(zeros([2])).data], [1, 1]);
  });
});

describe('init: default layer initialization matches PyTorch', () => {
  const make: Record<string, (g: Generator) => nn.Module> = {
    Linear: (generator) => new nn.Linear(512, 256, { generator }),
    Conv2d: (generator) => new nn.Conv2d(16, 32, 3, { generator }),
    ConvTranspose2d: (generator) => new nn.ConvTranspose2d(16, 8, 4, { generator }),
    Embedding: (generator) => new nn.Embedding(1000, 64, { generator }),
  };
  for (const d of fx.defaults) {
    it(d.layer, () => {
      const m = make[d.layer](new Generator(9));
      const params = new Map(m.namedParameters());
      for (const [name, p] of Object.entries(d.params)) {
        const t = params.get(name)!;
        assert.deepEqual([...t.shape], p.shape);
        const ours = stats(t);
        if (t.numel() >= 1000) agree(ours, p.torch, `${d.layer}.${name}`, d.bound ?? undefined);
        else if (d.bound !== null) assert.ok(ours.max <= d.bound && ours.min >= -d.bound, `${d.layer}.${name} within the bound`);
      }
    });
  }
});

describe('LSUV (Mishkin and Matas 2016)', () => {
  it('scales every layer to unit output variance on the data batch, in forward order', () => {
    const g = new Generator(3);
    const model = new nn.Sequential(
      new nn.Conv2d(3, 8, 3, { generator: g, padding: 1 }), new nn.ReLU(),
      new nn.Conv2d(8, 8, 3, { generator: g }), new nn.ReLU(), new nn.Flatten(),
      new nn.Linear(8 * 6 * 6, 32, { generator: g }), new nn.Tanh(), new nn.Linear(32, 10, { generator: g }),
    );
    const batch = randn([16, 3, 8, 8], { generator: g }).mul(3).add(1);
    const report = nn.init.lsuv(model, batch, { generator: g, tol: 0.02 });
    assert.deepEqual(report.map((r) => r.name), ['0', '2', '5', '7']);
    for (const r of report) assert.ok(Math.abs(r.varianceAfter - 1) < 0.02, `${r.name}: variance ${r.varianceAfter}`);
    // check independently with hooks
    const outs: Tensor[] = [];
    for (const i of [0, 2, 5, 7]) model.at(i).registerForwardHook((_m, _in, out) => void outs.push(out));
    model.forward(batch);
    for (const o of outs) {
      const s = stats(o);
      assert.ok(Math.abs(s.std * s.std - 1) < 0.03, `output variance ${s.std ** 2}`);
    }
  });

  it('restores BatchNorm statistics and needs weight layers', () => {
    const bn = new nn.BatchNorm1d(4);
    const model = new nn.Sequential(new nn.Linear(3, 4), bn);
    nn.init.lsuv(model, randn([8, 3]));
    assert.deepEqual([...bn.runningMean!.data], [0, 0, 0, 0]);
    assert.equal(bn.numBatchesTracked!.item(), 0);
    assert.throws(() => nn.init.lsuv(new nn.Sequential(new nn.ReLU()), randn([2, 2])), /no layers with a weight/);
  });
});
