// nn.Sequential recycles the activations nothing but the graph can see (src/tensor/activations.ts):
// these tests check that nothing a user can still reach is ever reused, that the memory is
// reused, and that the numbers are those of a pass without recycling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, noGrad, poolStatistics, randn, tensor, crossEntropy, createOptimizer, manualSeed, type Tensor } from '../../src/index.js';

/** Activations big enough for the pool (16384 elements and up) at batch 16. */
const makeLayers = (): nn.Module[] => [new nn.Linear(64, 1024), new nn.ReLU(), new nn.Linear(1024, 1024), new nn.Tanh(), new nn.Linear(1024, 10)];

const snapshot = (t: Tensor): Float32Array => Float32Array.from(t.data as Float32Array);
const labels = tensor(Array.from({ length: 16 }, (_, i) => i % 10), { dtype: 'int32' });

function step(model: nn.Module, x: Tensor): Tensor {
  const out = model.forward(x);
  crossEntropy(out, labels).backward();
  return out;
}

/** The tensors the last layer's graph node saw as inputs, walking back `depth` nodes. */
function internalAt(out: Tensor, depth: number): Tensor {
  let t = out;
  for (let i = 0; i < depth; i++) t = t.gradFn!.inputs.find((input) => input.gradFn)!;
  return t;
}

test('the second forward pass reuses the first pass\'s activation arrays, and allocates none anew', () => {
  manualSeed(0);
  const model = new nn.Sequential(...makeLayers());
  const x = randn([16, 64]);
  const first = model.forward(x);
  const hidden = internalAt(first, 2).data.buffer; // the second Linear's output (through Tanh)
  crossEntropy(first, labels).backward();
  const before = poolStatistics();
  const second = model.forward(x);
  const after = poolStatistics();
  assert.equal(after.fresh - before.fresh, 0, 'every activation of the second pass came from the pool');
  assert.ok(after.reused - before.reused >= 3);
  const buffers = new Set([internalAt(second, 1).data.buffer, internalAt(second, 2).data.buffer, internalAt(second, 3).data.buffer]);
  assert.ok(buffers.has(hidden), 'an array of the first pass is one of the second pass\'s activations');
});

test('nothing the user can still see is recycled: the input, the output, hooked and user-module tensors keep their values', () => {
  manualSeed(1);
  class Keeper extends nn.Module {
    kept: Tensor | null = null;
    forward(x: Tensor): Tensor {
      this.kept = x;
      return x.mul(1);
    }
  }
  const keeper = new Keeper();
  const hooked = new nn.ReLU();
  let fromHook: Tensor | null = null;
  hooked.registerForwardHook((_m, _inputs, output) => {
    fromHook = output;
  });
  // A subclass of descent's own layer is the user's code: it could keep what it is given.
  class MyLinear extends nn.Linear {}
  const model = new nn.Sequential(new nn.Linear(64, 1024), hooked, new nn.Linear(1024, 1024), keeper, new MyLinear(1024, 1024), new nn.Tanh(), new nn.Linear(1024, 1024), new nn.Flatten());
  const x = randn([16, 64]);
  const xCopy = snapshot(x);
  const out = model.forward(x);
  const seen = [out, fromHook!, keeper.kept!];
  const copies = seen.map(snapshot);
  crossEntropy(out, labels).backward();
  for (let i = 0; i < 3; i++) step(model, randn([16, 64]));
  noGrad(() => model.forward(randn([16, 64])));
  seen.forEach((t, i) => assert.deepEqual(snapshot(t), copies[i], `tensor ${i} kept its values`));
  assert.deepEqual(snapshot(x), xCopy);
});

test('a model ending in a view of its last activation (Flatten) keeps its output intact', () => {
  manualSeed(2);
  const model = new nn.Sequential(new nn.Linear(64, 1024), new nn.ReLU(), new nn.Flatten());
  const out = model.forward(randn([16, 64]));
  const copy = snapshot(out);
  out.sum().backward();
  model.forward(randn([16, 64])).sum().backward();
  noGrad(() => model.forward(randn([16, 64])));
  assert.deepEqual(snapshot(out), copy);
});

test('training with recycling gives the numbers of the same layers run without a container, bit for bit', () => {
  const run = (contained: boolean): Float32Array[] => {
    manualSeed(3);
    const layers = makeLayers();
    const model = new nn.Sequential(...layers);
    const opt = createOptimizer('adam', model.parameters(), { lr: 1e-3 });
    manualSeed(4);
    for (let i = 0; i < 4; i++) {
      const x = randn([16, 64]);
      opt.zeroGrad();
      const out = contained ? model.forward(x) : layers.reduce((h, m) => m.forward(h), x);
      crossEntropy(out, labels).backward();
      opt.step();
    }
    return model.parameters().map(snapshot);
  };
  assert.deepEqual(run(true), run(false));
});

test('evaluation under noGrad recycles as it goes and gives the same output as with a graph', () => {
  manualSeed(5);
  const model = new nn.Sequential(...makeLayers());
  const x = randn([16, 64]);
  const withGraph = snapshot(model.forward(x));
  const a = noGrad(() => model.forward(x));
  const before = poolStatistics();
  const b = noGrad(() => model.forward(x));
  assert.equal(poolStatistics().fresh - before.fresh, 0);
  assert.deepEqual(snapshot(a), withGraph);
  assert.deepEqual(snapshot(b), withGraph);
});

test('a second backward through a freed graph is an error naming retainGraph; with retainGraph it accumulates', () => {
  manualSeed(6);
  const model = new nn.Sequential(...makeLayers());
  const loss = crossEntropy(model.forward(randn([16, 64])), labels);
  loss.backward(undefined, { retainGraph: true });
  const once = snapshot(model.parameters()[0].grad!);
  loss.backward();
  const twice = snapshot(model.parameters()[0].grad!);
  twice.forEach((v, i) => assert.ok(Math.abs(v - 2 * once[i]) <= 1e-6 * Math.max(1, Math.abs(v))));
  assert.throws(() => loss.backward(), /already used by a backward pass.*retainGraph: true/);
});

test('backward refuses an unknown option, naming retainGraph among the valid ones', () => {
  const model = new nn.Sequential(new nn.Linear(2, 2));
  const loss = model.forward(randn([1, 2])).sum();
  assert.throws(() => loss.backward(undefined, { retain_graph: true } as never), /retainGraph/);
});
