// The playground GAN view's compute module, in Node: modes counted by the lab's definition on
// known samples, every loss and Lipschitz choice training without error, and a snapshot with
// the critic's heatmap and the gradients at the fake samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/index.js';
import { expandSpec } from '../../src/lab/spec.js';
import { criticGradients } from '../../src/gan/field.js';
import { countModes, GanSession, LIPSCHITZ, LOSSES, mixtureData, viewBounds, type GanSpec } from '../../playground/src/views/gan/session.js';
import { DEFAULT_GAN_STATE, ganCommand, parseGanState, serializeGanState } from '../../playground/src/views/gan/state.js';

const base: GanSpec = { ...DEFAULT_GAN_STATE, hidden: 16, batchSize: 32 };

test('modes are counted by the lab\'s definition: a sample within 3 standard deviations of a centre covers it', () => {
  const ring = mixtureData('ring', 0);
  const c = Array.from(ring.centers.data);
  // Three centres hit exactly, one 2σ off (covered), one 4σ off (not), and a point far from all.
  const s = ring.std;
  const pts = [c[0], c[1], c[2], c[3], c[4], c[5], c[6] + 2 * s, c[7], c[8] + 4 * s, c[9], 0, 0];
  const e = countModes(pts, ring);
  assert.equal(e.modes, 8);
  assert.equal(e.modesCovered, 4);
  assert.equal(e.highQualityFraction, 4 / 6);
  assert.equal(countModes(Array.from(mixtureData('grid', 0).centers.data), mixtureData('grid', 0)).modesCovered, 25);
  assert.throws(() => countModes([1, 2, 3], ring), /flat 2-D points/);
});

test('every loss and every Lipschitz method trains a few iterations to finite losses', () => {
  for (const loss of LOSSES) {
    const s = new GanSession({ ...base, loss, lipschitz: 'none', nCritic: 1 });
    s.advance(2);
    assert.equal(s.iteration, 2, loss);
  }
  for (const lipschitz of LIPSCHITZ) {
    const s = new GanSession({ ...base, loss: 'wasserstein', lipschitz, nCritic: 2 });
    s.advance(2);
    const snap = s.snapshot(8);
    assert.ok(Number.isFinite(snap.discriminatorLoss) && Number.isFinite(snap.generatorLoss), lipschitz);
  }
});

test('a snapshot holds the critic\'s heatmap in [-1, 1], the fake samples and the critic\'s gradients at them', () => {
  const s = new GanSession({ ...base, mixture: 'grid', loss: 'hinge', lipschitz: 'spectral' });
  s.advance(3);
  const snap = s.snapshot(12);
  assert.equal(snap.heat.cells.length, 144);
  assert.ok(snap.heat.cells.every((v) => v >= -1 && v <= 1));
  assert.ok(snap.heat.cells.some((v) => Math.abs(v) === 1), 'scaled so the largest deviation is ±1');
  assert.equal(snap.fake.length, 512);
  assert.equal(snap.fakeGrads.length, 512);
  assert.equal(snap.modes, 25);
  // The picture holds the grid's box and every fake sample.
  const [x0, x1, y0, y1] = snap.bounds;
  assert.ok(x0 <= -6 && x1 >= 6 && y0 <= -6 && y1 >= 6 && x1 - x0 === y1 - y0);
  for (let i = 0; i < snap.fake.length; i += 2) assert.ok(snap.fake[i] > x0 && snap.fake[i] < x1 && snap.fake[i + 1] > y0 && snap.fake[i + 1] < y1);
  // The arrows are ∇D at the drawn points (to the 4 decimals a snapshot keeps).
  const D = s.trainer.discriminator;
  D.eval();
  const g = criticGradients((x) => D.forward(x), new Tensor(Float32Array.from(snap.fake.slice(0, 8)), [4, 2])).grads;
  for (let i = 0; i < 8; i++) assert.ok(Math.abs(g[i] - snap.fakeGrads[i]) < 2e-4, `${g[i]} vs ${snap.fakeGrads[i]}`);
});

test('the view grows about the mixture\'s centre to hold far fake samples, never shrinks below the mixture', () => {
  assert.deepEqual(viewBounds([-3, 3, -3, 3], [0, 0, 1, -1]), [-3, 3, -3, 3]);
  const b = viewBounds([-3, 3, -3, 3], [10, 0, 0, -5]);
  assert.ok(Math.abs(b[1] - 10.8) < 1e-9 && Math.abs(b[0] + 10.8) < 1e-9 && Math.abs(b[2] + 10.8) < 1e-9);
});

test('the same seed gives the same GAN run', () => {
  const a = new GanSession({ ...base });
  const b = new GanSession({ ...base });
  a.advance(3);
  b.advance(3);
  assert.deepEqual(a.snapshot(4).fake, b.snapshot(4).fake);
});

test('GAN URL state round-trips; the command names the lab\'s variant where one matches', () => {
  const s = { ...DEFAULT_GAN_STATE, mixture: 'grid' as const, loss: 'lgan-exp' as const, lipschitz: 'maxgp' as const, lambda: 1, nCritic: 5 };
  assert.deepEqual(parseGanState(serializeGanState(s)), s);
  assert.equal(parseGanState({ loss: 'nope', ncritic: '0' }).loss, DEFAULT_GAN_STATE.loss);
  assert.match(ganCommand(s), /"variant":"lgan-maxgp"/);
  assert.match(ganCommand(s), /descent compare/);
  assert.match(ganCommand({ ...s, loss: 'lsgan' }), /no lab variant/);
  const spec = JSON.parse(/echo '(.*)' >/.exec(ganCommand(s))![1]);
  const [trial] = expandSpec(spec, 'playground');
  assert.equal(trial.task, 'gan-mixture');
  assert.equal((trial.taskOptions as { nCritic: number }).nCritic, 5);
});
