/**
 * End to end: a LeNet-style CNN and an MLP defined with nn, trained with plain SGD (written
 * inline: p.data -= lr * p.grad.data) on synthetic tasks until accurate, then checkpointed and
 * restored into fresh models that give identical outputs.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Generator, noGrad, Tensor, zeros } from '../../src/tensor/index.js';
import * as nn from '../../src/nn/index.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/io/index.js';

let dir = '';
before(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'descent-train-'));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function sgdStep(model: nn.Module, lr: number): void {
  noGrad(() => {
    for (const p of model.parameters()) {
      if (!p.grad) continue;
      const d = p.data;
      const g = p.grad.data;
      for (let i = 0; i < d.length; i++) d[i] -= lr * g[i];
    }
  });
  model.zeroGrad();
}

function accuracy(logits: Tensor, y: Tensor): number {
  const pred = logits.argmax(1).data;
  let hits = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === y.data[i]) hits++;
  return hits / pred.length;
}

/** 16x16 images with a noisy bar: horizontal, vertical, diagonal or anti-diagonal (4 classes). */
function bars(n: number, g: Generator): { x: Tensor; y: Tensor } {
  const x = zeros([n, 1, 16, 16]);
  const y = zeros([n]);
  for (let i = 0; i < n; i++) {
    const cls = i % 4;
    y.data[i] = cls;
    const off = g.randint(3, 13);
    for (let p = 0; p < 256; p++) x.data[i * 256 + p] = g.normal(0, 0.3);
    for (let t = 0; t < 16; t++) {
      const [r, c] = cls === 0 ? [off, t] : cls === 1 ? [t, off] : cls === 2 ? [t, t] : [t, 15 - t];
      x.data[i * 256 + r * 16 + c] += 1.5;
    }
  }
  return { x, y };
}

/** Two interleaved spirals (2 classes) in the plane. */
function spirals(n: number, g: Generator): { x: Tensor; y: Tensor } {
  const x = zeros([n, 2]);
  const y = zeros([n]);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const t = g.uniform(0.25, 1) * 2.5 * Math.PI;
    const r = t / (2.5 * Math.PI);
    const a = t + cls * Math.PI;
    x.data[2 * i] = r * Math.cos(a) * 2 + g.normal(0, 0.03);
    x.data[2 * i + 1] = r * Math.sin(a) * 2 + g.normal(0, 0.03);
    y.data[i] = cls;
  }
  return { x, y };
}

class LeNet extends nn.Module {
  features: nn.Sequential;
  classifier: nn.Sequential;
  constructor(generator: Generator) {
    super();
    this.features = new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { generator }), new nn.BatchNorm2d(6), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(6, 12, 3, { generator }), new nn.ReLU(), new nn.MaxPool2d(2),
    );
    this.classifier = new nn.Sequential(new nn.Flatten(), new nn.Linear(12 * 2 * 2, 32, { generator }), new nn.ReLU(), new nn.Dropout(0.1, { generator }), new nn.Linear(32, 4, { generator }));
  }
  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x));
  }
}

describe('training end to end with plain SGD, then checkpoint and restore', () => {
  it('a LeNet-style CNN learns the bar-orientation task', () => {
    const g = new Generator(2024);
    const train = bars(256, g);
    const test = bars(128, g);
    const model = new LeNet(new Generator(1));
    assert.match(model.summary([1, 1, 16, 16]), /classifier\.4: Linear\s+\[1, 4\]\s+132/);
    const losses: number[] = [];
    const batch = 32;
    for (let epoch = 0; epoch < 15; epoch++) {
      const perm = g.permutation(train.x.shape[0]);
      for (let s = 0; s < train.x.shape[0]; s += batch) {
        const idx = Array.from(perm.subarray(s, s + batch));
        const xb = train.x.indexSelect(0, idx);
        const yb = train.y.indexSelect(0, idx);
        const loss = nn.crossEntropy(model.forward(xb), yb);
        loss.backward();
        sgdStep(model, 0.1);
        losses.push(loss.item());
      }
    }
    const first = losses.slice(0, 8).reduce((a, b) => a + b) / 8;
    const last = losses.slice(-8).reduce((a, b) => a + b) / 8;
    assert.ok(last < 0.3 * first, `loss fell from ${first.toFixed(3)} to ${last.toFixed(3)}`);
    model.eval();
    const logits = noGrad(() => model.forward(test.x));
    const acc = accuracy(logits, test.y);
    assert.ok(acc >= 0.95, `test accuracy ${acc}`);

    const path = join(dir, 'lenet.safetensors');
    saveCheckpoint(path, { model, meta: { task: 'bars', accuracy: String(acc) } });
    const fresh = new LeNet(new Generator(77));
    const loaded = loadCheckpoint(path, { model: fresh });
    assert.equal(loaded.meta.task, 'bars');
    fresh.eval();
    const again = noGrad(() => fresh.forward(test.x));
    assert.deepEqual([...again.data], [...logits.data], 'the restored model gives identical outputs');
    assert.equal(accuracy(again, test.y), acc);
  });

  it('an MLP learns two spirals; its optimizer state (momentum) is checkpointed and training resumes identically', () => {
    const g = new Generator(7);
    const data = spirals(256, g);
    const make = (seed: number): nn.Sequential => {
      const gen = new Generator(seed);
      return new nn.Sequential(new nn.Linear(2, 64, { generator: gen }), new nn.Tanh(), new nn.Linear(64, 64, { generator: gen }), new nn.Tanh(), new nn.Linear(64, 2, { generator: gen }));
    };
    // SGD with momentum written inline; its velocity buffers are the "optimizer state".
    const train = (model: nn.Module, velocity: Tensor[], steps: number, lr = 0.1, mu = 0.9): number[] => {
      const losses: number[] = [];
      const params = model.parameters();
      for (let s = 0; s < steps; s++) {
        const loss = nn.crossEntropy(model.forward(data.x), data.y);
        loss.backward();
        noGrad(() => params.forEach((p, i) => {
          const v = velocity[i].data;
          const gd = p.grad!.data;
          for (let k = 0; k < v.length; k++) {
            v[k] = mu * v[k] + gd[k];
            p.data[k] -= lr * v[k];
          }
        }));
        model.zeroGrad();
        losses.push(loss.item());
      }
      return losses;
    };
    const model = make(3);
    const velocity = model.parameters().map((p) => zeros(p.shape));
    const losses = train(model, velocity, 250);
    assert.ok(losses[losses.length - 1] < 0.25 * losses[0], `loss fell from ${losses[0]} to ${losses[losses.length - 1]}`);
    const acc = accuracy(noGrad(() => model.forward(data.x)), data.y);
    assert.ok(acc >= 0.95, `training accuracy ${acc}`);

    const path = join(dir, 'mlp.safetensors');
    const optimizer = { tensors: Object.fromEntries(velocity.map((v, i) => [`velocity.${i}`, v])), config: { lr: 0.1, momentum: 0.9, step: 250 } };
    saveCheckpoint(path, { model, optimizer });
    const fresh = make(100);
    const loaded = loadCheckpoint(path, { model: fresh });
    const freshVelocity = fresh.parameters().map((_, i) => loaded.optimizer!.tensors[`velocity.${i}`]);
    assert.deepEqual(loaded.optimizer!.config, { lr: 0.1, momentum: 0.9, step: 250 });
    // Resuming from the checkpoint continues exactly as the original run does.
    const cont = train(model, velocity, 5);
    const resumed = train(fresh, freshVelocity, 5);
    assert.deepEqual(resumed, cont);
  });
});
