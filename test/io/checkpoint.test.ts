/** saveCheckpoint / loadCheckpoint: model and optimizer state, metadata, errors. */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Generator, randn, tensor, zeros } from '../../src/tensor/index.js';
import * as nn from '../../src/nn/index.js';
import { loadCheckpoint, readSafetensors, saveCheckpoint, saveSafetensors } from '../../src/io/index.js';

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'descent-ckpt-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const makeModel = (seed: number): nn.Sequential =>
  new nn.Sequential(new nn.Linear(4, 8, { generator: new Generator(seed) }), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 3, { generator: new Generator(seed + 1) }));

describe('checkpoints', () => {
  it('round-trips a model, an optimizer state and metadata; a fresh model gives identical outputs', () => {
    const model = makeModel(1);
    model.forward(randn([16, 4])); // running statistics move
    const optimizer = {
      tensors: { '0.momentum': randn([8, 4]), '0.step': tensor(5, { dtype: 'float64' }) },
      config: { name: 'sgd', lr: 0.1, groups: [{ params: [0, 1], weightDecay: 0 }], maxNorm: Infinity, nothing: null, flag: true },
    };
    const path = join(dir, 'ckpt.safetensors');
    saveCheckpoint(path, { model, optimizer, meta: { epoch: '7', dataset: 'synthetic' } });

    const loaded = loadCheckpoint(path);
    assert.deepEqual(loaded.meta, { epoch: '7', dataset: 'synthetic' });
    assert.deepEqual(Object.keys(loaded.model!), Object.keys(model.stateDict()));
    assert.deepEqual(loaded.optimizer!.config, optimizer.config);
    assert.deepEqual(Object.keys(loaded.optimizer!.tensors), ['0.momentum', '0.step']);
    assert.deepEqual([...loaded.optimizer!.tensors['0.momentum'].data], [...optimizer.tensors['0.momentum'].data]);
    assert.equal(loaded.optimizer!.tensors['0.step'].dtype, 'float64');

    const fresh = makeModel(99);
    let restored: unknown = null;
    loadCheckpoint(path, { model: fresh, optimizer: { loadStateDict: (sd) => void (restored = sd) } });
    assert.deepEqual((restored as { config: unknown }).config, optimizer.config);
    model.eval();
    fresh.eval();
    const x = randn([5, 4]);
    assert.deepEqual([...fresh.forward(x).data], [...model.forward(x).data]);
  });

  it('is an ordinary safetensors file: model.* and optimizer.* keys, configs in __metadata__', () => {
    const path = join(dir, 'c.safetensors');
    saveCheckpoint(path, { model: { w: tensor([1, 2]) }, optimizer: { tensors: { m: tensor([3]) }, config: { lr: 1 } } });
    const { tensors, metadata } = readSafetensors(path);
    assert.deepEqual(Object.keys(tensors), ['model.w', 'optimizer.m']);
    assert.equal(metadata['descent.format'], 'checkpoint');
    assert.deepEqual(JSON.parse(metadata['descent.optimizer.config']), { lr: 1 });
    const onlyMeta = join(dir, 'm.safetensors');
    saveCheckpoint(onlyMeta, { meta: { a: 'b' } });
    assert.deepEqual(loadCheckpoint(onlyMeta), { meta: { a: 'b' } });
  });

  it('loads a plain safetensors state dict (from another tool) as the model', () => {
    const model = makeModel(3);
    const path = join(dir, 'plain.safetensors');
    saveSafetensors(path, model.stateDict());
    const fresh = makeModel(4);
    loadCheckpoint(path, { model: fresh });
    assert.deepEqual([...fresh.at(0).parameters()[0].data], [...model.at(0).parameters()[0].data]);
  });

  it('refuses a shape mismatch or a missing key when loading into a model, naming the key', () => {
    const path = join(dir, 'ckpt.safetensors');
    saveCheckpoint(path, { model: makeModel(1) });
    const wider = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 5));
    assert.throws(() => loadCheckpoint(path, { model: wider }), (e: Error) =>
      e.message.includes(path) && /size mismatch for '3\.weight': the state dict has shape \[3, 8\], the model has shape \[5, 8\]/.test(e.message));
    const deeper = new nn.Sequential(...makeModel(1).children(), new nn.Linear(3, 3));
    assert.throws(() => loadCheckpoint(path, { model: deeper }), /missing key\(s\) in the state dict: '4\.weight', '4\.bias'/);
    assert.doesNotThrow(() => loadCheckpoint(path, { model: deeper, strict: false }));
    const noModel = join(dir, 'nomodel.safetensors');
    saveCheckpoint(noModel, { meta: { a: 'b' } });
    assert.throws(() => loadCheckpoint(noModel, { model: deeper }), /holds no model state/);
  });

  it('refuses a corrupt or truncated checkpoint, reserved metadata keys and non-JSON configs', () => {
    const path = join(dir, 'ckpt.safetensors');
    saveCheckpoint(path, { model: makeModel(1) });
    const bytes = fs.readFileSync(path);
    fs.writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    assert.throws(() => loadCheckpoint(path), /truncated/);
    const corrupt = Buffer.from(bytes);
    corrupt.write('#', 9);
    fs.writeFileSync(path, corrupt);
    assert.throws(() => loadCheckpoint(path), /not valid JSON/);
    assert.throws(() => saveCheckpoint(path, { meta: { 'descent.format': 'x' } }), /reserved/);
    assert.throws(() => saveCheckpoint(path, { optimizer: { tensors: {}, config: { f: (() => 1) as never } } }), /not JSON/);
    assert.throws(() => saveCheckpoint(path, { optimizer: { config: {} } as never }), /optimizer must be \{ tensors/);
    assert.throws(() => saveCheckpoint(path, { model: { w: zeros([1]) }, meta: { n: 1 as never } }), /must be a string/);
  });
});
