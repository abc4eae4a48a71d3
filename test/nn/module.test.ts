/** The Module base: registration, dotted names, modes, state dicts with strict checking, hooks, summary. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, ones, randn, Tensor, zeros } from '../../src/tensor/index.js';
import * as nn from '../../src/nn/index.js';

class Block extends nn.Module {
  conv1 = new nn.Conv2d(2, 3, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(3);
  forward(x: Tensor): Tensor {
    return this.bn.forward(this.conv1.forward(x)).relu();
  }
}

class Net extends nn.Module {
  block = new Block();
  heads = [new nn.Linear(3, 2), new nn.Linear(3, 4, { bias: false })];
  scale = nn.parameter(ones([2]));
  notAParameter = zeros([3]);
  drop = new nn.Dropout(0.5);
  forward(x: Tensor): Tensor {
    const h = this.drop.forward(this.block.forward(x).mean([2, 3]));
    return this.heads[0].forward(h).mul(this.scale);
  }
}

describe('Module registration and names', () => {
  it('finds parameters, buffers and children with PyTorch-style dotted names', () => {
    const net = new Net();
    assert.deepEqual(net.namedParameters().map(([n]) => n), [
      'scale', 'block.conv1.weight', 'block.conv1.bias', 'block.bn.weight', 'block.bn.bias',
      'heads.0.weight', 'heads.0.bias', 'heads.1.weight',
    ]);
    assert.deepEqual(net.namedBuffers().map(([n]) => n), ['block.bn.runningMean', 'block.bn.runningVar', 'block.bn.numBatchesTracked']);
    assert.deepEqual(Object.keys(net.stateDict()), [
      'scale', 'block.conv1.weight', 'block.conv1.bias', 'block.bn.weight', 'block.bn.bias',
      'block.bn.runningMean', 'block.bn.runningVar', 'block.bn.numBatchesTracked', 'heads.0.weight', 'heads.0.bias', 'heads.1.weight',
    ]);
    assert.deepEqual(net.namedModules().map(([n]) => n), ['', 'block', 'block.conv1', 'block.bn', 'heads.0', 'heads.1', 'drop']);
    assert.ok(net.parameters().every((p) => p.requiresGrad));
    assert.equal(net.numParameters(), 2 + (3 * 2 * 9 + 3) + 6 + (6 + 2) + 12);
  });

  it('Sequential names its children 0, 1, ... or by the keys of an object', () => {
    const s = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    assert.deepEqual(s.namedParameters().map(([n]) => n), ['0.weight', '0.bias', '2.weight', '2.bias']);
    assert.equal(s.length, 3);
    assert.ok(s.at(-1) instanceof nn.Linear);
    const named = new nn.Sequential({ encoder: new nn.Linear(2, 3), act: new nn.Tanh() });
    assert.deepEqual(named.namedParameters().map(([n]) => n), ['encoder.weight', 'encoder.bias']);
    const list = new nn.ModuleList([new nn.Linear(1, 1)]).append(new nn.Linear(1, 2));
    assert.deepEqual(list.namedParameters().map(([n]) => n), ['0.weight', '0.bias', '1.weight', '1.bias']);
    assert.equal([...list].length, 2);
  });

  it('shared parameters are listed once', () => {
    const a = new nn.Linear(3, 3);
    const s = new nn.Sequential(a, new nn.ReLU(), a);
    assert.equal(s.parameters().length, 2);
  });

  it('registerParameter(null) keeps an optional parameter absent; unregister forgets', () => {
    const lin = new nn.Linear(2, 2, { bias: false });
    assert.equal(lin.bias, null);
    assert.deepEqual(Object.keys(lin.stateDict()), ['weight']);
    assert.throws(() => lin.registerParameter('a.b', null), /without '\.'/);
  });
});

describe('Module modes', () => {
  it('train()/eval() set every descendant; Dropout and BatchNorm follow', () => {
    const net = new Net();
    net.eval();
    assert.ok(net.modules().every((m) => !m.training));
    const x = randn([2, 2, 4, 4]);
    const y1 = net.forward(x);
    const y2 = net.forward(x);
    assert.deepEqual([...y1.data], [...y2.data], 'deterministic in eval mode');
    assert.equal(net.block.bn.numBatchesTracked!.item(), 0, 'eval mode does not update running stats');
    net.train();
    assert.ok(net.modules().every((m) => m.training));
    net.forward(x);
    assert.equal(net.block.bn.numBatchesTracked!.item(), 1);
  });

  it('to(float64) converts parameters and buffers, keeping names and requiresGrad', () => {
    const net = new Net();
    net.block.conv1.bias!.requiresGrad = false;
    const before = net.stateDict();
    net.double();
    const after = net.stateDict();
    assert.deepEqual(Object.keys(after), Object.keys(before));
    assert.ok(Object.values(after).every((t) => t.dtype === 'float64'));
    assert.equal(net.block.conv1.bias!.requiresGrad, false);
    assert.equal(net.block.conv1.weight.requiresGrad, true);
    assert.equal(net.forward(randn([1, 2, 4, 4], { dtype: 'float64' })).dtype, 'float64');
  });

  it('zeroGrad clears gradients; requiresGrad_(false) freezes', () => {
    const lin = new nn.Linear(2, 1);
    lin.forward(ones([1, 2])).sum().backward();
    assert.ok(lin.weight.grad);
    lin.zeroGrad();
    assert.equal(lin.weight.grad, null);
    lin.requiresGrad_(false);
    assert.equal(lin.numParameters(true), 0);
  });
});

describe('stateDict / loadStateDict', () => {
  it('round-trips values into a fresh model (identical outputs)', () => {
    const a = new Net();
    a.forward(randn([4, 2, 4, 4])); // move the running stats
    const b = new Net();
    b.loadStateDict(a.stateDict());
    a.eval();
    b.eval();
    const x = randn([3, 2, 4, 4]);
    assert.deepEqual([...b.forward(x).data], [...a.forward(x).data]);
    assert.deepEqual([...b.block.bn.runningVar!.data], [...a.block.bn.runningVar!.data]);
  });

  it('strict: reports missing and unexpected keys by name, and copies nothing on error', () => {
    const net = new Net();
    const sd = { ...new Net().stateDict() };
    delete sd['heads.1.weight'];
    sd['extra.weight'] = zeros([1]);
    const w0 = [...net.block.conv1.weight.data];
    assert.throws(() => net.loadStateDict(sd), (e: Error) =>
      /missing key\(s\) in the state dict: 'heads\.1\.weight'/.test(e.message) && /unexpected key\(s\) in the state dict: 'extra\.weight'/.test(e.message));
    assert.deepEqual([...net.block.conv1.weight.data], w0, 'nothing copied');
    const res = net.loadStateDict(sd, { strict: false });
    assert.deepEqual(res, { missingKeys: ['heads.1.weight'], unexpectedKeys: ['extra.weight'] });
  });

  it("accepts PyTorch's snake_case names (running_mean, num_batches_tracked) for the camelCase ones", () => {
    const a = new Net();
    a.forward(randn([4, 2, 4, 4]));
    const snake = Object.fromEntries(Object.entries(a.stateDict()).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
    assert.ok('block.bn.running_mean' in snake && 'block.bn.num_batches_tracked' in snake);
    const b = new Net();
    assert.deepEqual(b.loadStateDict(snake), { missingKeys: [], unexpectedKeys: [] });
    assert.deepEqual([...b.block.bn.runningMean!.data], [...a.block.bn.runningMean!.data]);
    assert.equal(b.block.bn.numBatchesTracked!.item(), 1);
  });

  it('shape mismatches are errors even when not strict, naming the key and both shapes', () => {
    const net = new nn.Linear(3, 2);
    assert.throws(() => net.loadStateDict({ weight: zeros([2, 4]), bias: zeros([2]) }, { strict: false }),
      /size mismatch for 'weight': the state dict has shape \[2, 4\], the model has shape \[2, 3\]/);
  });

  it('stateDict tensors share storage with the model; loading converts dtypes', () => {
    const lin = new nn.Linear(2, 2);
    lin.stateDict().weight.data[0] = 42;
    assert.equal(lin.weight.data[0], 42);
    lin.loadStateDict({ weight: ones([2, 2], { dtype: 'float64' }), bias: zeros([2], { dtype: 'float64' }) });
    assert.equal(lin.weight.dtype, 'float32');
    assert.deepEqual([...lin.weight.data], [1, 1, 1, 1]);
  });
});

describe('hooks and summary', () => {
  it('forward pre-hooks and hooks run around forward and can be removed', () => {
    const lin = new nn.Linear(2, 2);
    const seen: string[] = [];
    const h1 = lin.registerForwardPreHook((_m, inputs) => {
      seen.push('pre');
      return [inputs[0].mul(0)];
    });
    const h2 = lin.registerForwardHook((_m, _i, out) => {
      seen.push('post');
      return out.add(1);
    });
    const y = lin.forward(ones([1, 2]));
    assert.deepEqual(seen, ['pre', 'post']);
    assert.deepEqual([...y.data].map((v) => v.toFixed(5)), [...lin.bias!.data].map((b) => (b + 1).toFixed(5)));
    h1.remove();
    h2.remove();
    assert.deepEqual([...lin.forward(zeros([1, 2])).data], [...lin.bias!.data]);
  });

  it('summary lists layers, output shapes and parameter counts, and restores modes', () => {
    const model = new nn.Sequential(
      new nn.Conv2d(1, 6, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(6 * 12 * 12, 10), new nn.Dropout(0.5),
    );
    const text = model.summary([1, 1, 28, 28]);
    assert.match(text, /0: Conv2d\s+\[1, 6, 24, 24\]\s+156/);
    assert.match(text, /2: MaxPool2d\s+\[1, 6, 12, 12\]\s+0/);
    assert.match(text, /4: Linear\s+\[1, 10\]\s+8,650/);
    assert.match(text, /Total params: 8,806/);
    assert.match(text, /Trainable params: 8,806/);
    assert.ok(model.training && model.at(5).training, 'training mode restored');
    assert.doesNotMatch(model.summary(), /Output shape/);
    assert.match(String(model), /\(0\): Conv2d\(1, 6, kernelSize=\[5,5\]/);
  });
});

describe('layer argument checks', () => {
  it('rejects bad sizes with clear messages', () => {
    assert.throws(() => new nn.Linear(0, 2), /Linear: inFeatures must be a positive integer, got 0/);
    assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), /divisible by groups/);
    assert.throws(() => new nn.Linear(3, 2).forward(ones([2, 4])), /does not end in 3 features/);
    const g = new Generator(1);
    const a = new nn.Linear(3, 2, { generator: g });
    const b = new nn.Linear(3, 2, { generator: new Generator(1) });
    assert.deepEqual([...a.weight.data], [...b.weight.data], 'seeded default init');
  });
});
