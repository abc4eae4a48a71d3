// The benchmark's pure parts: the workloads' FLOP and byte counts behind RESULTS.md's physical
// limits, the user-workload models (the same network on descent's and PyTorch's side), the
// parsing of bench/optimizer-steps.ts's table, the wasm export names of the profiles and the
// fresh-process selection. No timing is asserted here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Selection is read from the environment when bench/lib/timing.ts loads: set it first.
process.env.BENCH_ONLY = 'first20-mlp,mnist-cnn';
delete process.env.BENCH_NO_FRESH;
const costs = await import('../../bench/lib/costs.js');
const timing = await import('../../bench/lib/timing.js');
const { mnistCnn, readmeMlp } = await import('../../bench/lib/user-workloads.js');
const { wasmExportNames } = await import('../../bench/lib/wasm-names.js');
const { Generator, noGrad, zeros } = await import('../../src/node.js');

const root = join(import.meta.dirname, '../..');

test('FLOP counts of the workloads match the layer arithmetic', () => {
  // conv1 26x26x32x9x2 + conv2 24x24x64x32x9x2 + fc1 9216x128x2 + fc2 128x10x2
  assert.equal(costs.MNIST_CNN_FORWARD, 389_376 + 21_233_664 + 2_359_296 + 2_560);
  assert.equal(costs.MNIST_CNN_TRAIN, 3 * 23_984_896 - 389_376);
  assert.equal(costs.MLP_FORWARD, 2 * (784 * 256 + 256 * 256 + 256 * 10));
  assert.equal(costs.MLP_PARAMS, 269_322);
  assert.equal(costs.MNIST_CNN_PARAMS, 1_199_882);
  assert.equal(costs.SMALL_CNN_PARAMS, 20_490);
  assert.equal(costs.COSTS['sgemm-512'].flops, 2 * 512 ** 3);
  assert.equal(costs.COSTS['adam-10M'].bytes, 280e6);
});

test('limitMs adds FLOPs at peak and bytes at bandwidth', () => {
  assert.equal(costs.limitMs({ flops: 2e9, bytes: 1e9, what: '' }, 200, 10), 10 + 100);
  assert.equal(costs.limitMs({ flops: 0, bytes: 28e6, what: '' }, 200, 14), 2);
});

test("the MNIST-example CNN is PyTorch's network: parameter count, output shape, log-probabilities", () => {
  const model = mnistCnn(new Generator(0));
  const count = model.parameters().reduce((a, p) => a + p.numel(), 0);
  assert.equal(count, costs.MNIST_CNN_PARAMS);
  assert.deepEqual(model.parameters().map((p) => p.size()), [[32, 1, 3, 3], [32], [64, 32, 3, 3], [64], [128, 9216], [128], [10, 128], [10]]);
  model.eval();
  const out = noGrad(() => model.forward(zeros([2, 1, 28, 28])));
  assert.deepEqual(out.size(), [2, 10]);
  const sums = out.exp().sum(1).data;
  for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5, `softmax row sums to ${s}`);
  assert.equal(readmeMlp(new Generator(0)).parameters().reduce((a, p) => a + p.numel(), 0), costs.MLP_PARAMS);
});

test("bench/torch_bench.py's MnistNet has the same parameters (when PyTorch is installed)", (t) => {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return t.skip('no /usr/bin/python3');
  const code = "import sys; sys.path.insert(0, 'bench'); import torch_bench as b; print([list(p.shape) for p in b.MnistNet().parameters()])";
  const r = spawnSync(python, ['-c', code], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 && /No module named 'torch'/.test(r.stderr)) return t.skip('PyTorch not installed');
  assert.equal(r.status, 0, r.stderr);
  const shapes = JSON.parse(r.stdout.trim()) as number[][];
  assert.deepEqual(shapes, mnistCnn(new Generator(0)).parameters().map((p) => p.size()));
});

test('parseOptimizerTable reads the ms and the same-window ratio columns; rows without a ratio are left out', () => {
  const plain = 'optimizer step on the MLP\n\n| method | ms per step |\n|---|---:|\n| adam | 0.441 |\n';
  assert.deepEqual(costs.parseOptimizerTable(plain).steps, []);
  const withRatio = '| method | ms per step | x Adam |\n|---|---:|---:|\n| adam | 0.40 | 1.00 |\n| `nadam` | 0.90 | 1.50 |\n| gradnoise (wrapper) | 4.9 | 7.20 **over 2x** |\n';
  const parsed = costs.parseOptimizerTable(withRatio);
  assert.deepEqual(parsed.steps, [{ name: 'adam', ms: 0.4, xAdam: 1 }, { name: 'nadam', ms: 0.9, xAdam: 1.5 }, { name: 'gradnoise (wrapper)', ms: 4.9, xAdam: 7.2 }]);
  assert.equal(parsed.lines.length, 5);
});

test("wasmExportNames names the kernels' exported functions", () => {
  const bytes = readFileSync(join(root, 'src/backend/wasm/kernels.wasm'));
  const names = wasmExportNames(bytes);
  interface WasmModuleApi { new (b: Uint8Array): object; exports(m: object): { name: string; kind: string }[] }
  const Module = (globalThis as unknown as { WebAssembly: { Module: WasmModuleApi } }).WebAssembly.Module;
  const exported = Module.exports(new Module(bytes)).filter((e) => e.kind === 'function').map((e) => e.name).sort();
  assert.deepEqual([...names.values()].sort(), exported);
  assert.ok(exported.includes('adam'));
});

test('fresh-process workloads run only when named, and never under BENCH_NO_FRESH', () => {
  assert.ok(timing.FRESH_WORKLOADS.includes('first20-mlp'));
  assert.equal(timing.named('first20-mlp'), true);
  assert.equal(timing.named('first20-matmul512'), false);
  assert.equal(timing.wanted('mnist-cnn-step'), true);
  assert.equal(timing.wanted('sgemm-512'), false);
  process.env.BENCH_NO_FRESH = '1';
  try {
    assert.equal(timing.named('first20-mlp'), false);
  } finally {
    delete process.env.BENCH_NO_FRESH;
  }
});
