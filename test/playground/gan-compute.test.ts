// The playground GAN view's compute module, in Node: modes counted by the lab's definition on
// known samples, every loss and Lipschitz choice training without error, a snapshot with the
// critic's heatmap and the gradients at the fake samples, and the view's spec, trial id and
// exported record equal to what the lab's `descent compare` makes of that spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/index.js';
import { expandSpec, validateSpec } from '../../src/lab/spec.js';
import { criticGradients } from '../../src/gan/field.js';
import { countModes, GanSession, LIPSCHITZ, LOSSES, mixtureData, viewBounds, type GanSpec } from '../../playground/src/views/gan/session.js';
import { createHash } from 'node:crypto';
import { compareSpec, DEFAULT_GAN_STATE, ganCommand, parseGanState, serializeGanState, sha256Hex, trialConfig, trialIdOf, trialRecord } from '../../playground/src/views/gan/state.js';
import { executeTrial } from '../../src/lab/execute.js';
import { trialId } from '../../src/lab/trial.js';

const base: GanSpec = { ...DEFAULT_GAN_STATE, hidden: 16, batchSize: 32, iterations: 50 };
const url = (s: GanSpec): Record<string, string> => Object.fromEntries(Object.entries(serializeGanState(s)).filter((e): e is [string, string] => e[1] !== undefined));

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
    const s = new GanSession({ ...base, loss: 'wasserstein', lipschitz, nCritic: 2, normalization: lipschitz === 'spectral' ? 'spectral' : 'none' });
    s.advance(2);
    const snap = s.snapshot(8);
    assert.ok(Number.isFinite(snap.discriminatorLoss) && Number.isFinite(snap.generatorLoss), lipschitz);
  }
});

test('a snapshot holds the critic\'s heatmap in [-1, 1], the fake samples and the critic\'s gradients at them', () => {
  const s = new GanSession({ ...base, mixture: 'grid', loss: 'hinge', lipschitz: 'spectral', normalization: 'spectral' });
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

test('GAN URL state round-trips, every setting included; bad keys keep their defaults', () => {
  const s: GanSpec = { ...DEFAULT_GAN_STATE, mixture: 'grid', loss: 'lgan-exp', lipschitz: 'maxgp', lambda: 1, nCritic: 5, normalization: 'layer', iterations: 300, layers: 2, evalEvery: 25, generator: { name: 'rmsprop', options: { lr: 0.0005 } }, discriminator: { name: 'sgd', options: { lr: 0.01, momentum: 0.9 } } };
  assert.deepEqual(parseGanState(url(s)), s);
  assert.deepEqual(parseGanState(url(DEFAULT_GAN_STATE)), DEFAULT_GAN_STATE);
  const bad = parseGanState({ loss: 'nope', ncritic: '0', gopt: 'nope', norm: 'x', lipschitz: 'spectral', lambda: '3' });
  assert.equal(bad.loss, DEFAULT_GAN_STATE.loss);
  assert.equal(bad.nCritic, 1);
  assert.deepEqual(bad.generator, DEFAULT_GAN_STATE.generator);
  assert.equal(bad.normalization, 'spectral', 'SN is the normalization');
  assert.ok(Number.isNaN(bad.lambda), 'SN has no λ');
  // An older link's learning rate still reads.
  assert.equal(parseGanState({ ganlr: '0.002' }).generator.options.lr, 0.002);
});

test('the page\'s SHA-256 is node:crypto\'s at every padding boundary and for non-ASCII text', () => {
  for (const text of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(119), 'λ σ ∇D 🙂'.repeat(20)]) {
    assert.equal(sha256Hex(text), createHash('sha256').update(text).digest('hex'), `length ${text.length}`);
  }
});

test('the command is the lab\'s: descent compare expands the view\'s spec to the trial config (and id) the view computes', async () => {
  const states: GanSpec[] = [
    DEFAULT_GAN_STATE,
    { ...DEFAULT_GAN_STATE, loss: 'lsgan', lipschitz: 'r1', lambda: 2, normalization: 'layer', discriminator: { name: 'amsgrad', options: { lr: 0.002 } } },
    { ...DEFAULT_GAN_STATE, loss: 'hinge', lipschitz: 'spectral', normalization: 'spectral', generator: { name: 'momentum', options: {} } },
  ];
  for (const s of states) {
    const command = ganCommand(s);
    assert.match(command, /npx descent compare playground-gan\.json$/);
    const spec = JSON.parse(/^echo '(.*)' >/.exec(command)![1]);
    assert.deepEqual(spec, compareSpec(s));
    const [trial, ...more] = expandSpec(validateSpec(spec, 'playground-gan.json'), 'playground-gan.json');
    assert.equal(more.length, 0);
    assert.deepEqual(trial, trialConfig(s));
    assert.equal(await trialIdOf(trialConfig(s)), trialId(trial));
  }
  // No lr given: the task's default, as the lab gives it.
  assert.equal(trialConfig(states[2]).method.options.lr, 1e-3);
  assert.equal(trialConfig(states[2]).method.optimizer, 'sgd');
});

test('a lab run of the view\'s spec is the record the view exports: same id, config, columns, final figures and samples', async () => {
  const s: GanSpec = { ...DEFAULT_GAN_STATE, loss: 'wasserstein', lipschitz: 'wgan-gp', lambda: 5, nCritic: 2, hidden: 12, batchSize: 32, iterations: 12, evalEvery: 5, seed: 4, discriminator: { name: 'rmsprop', options: { lr: 0.002 } } };
  const session = new GanSession(s);
  while (!session.done) {
    session.advance(5);
    session.snapshot(6); // drawing does not move the run
  }
  const view = trialRecord(s, session.record(), await trialIdOf(trialConfig(s)), 1.5);
  const [config] = expandSpec(validateSpec(JSON.parse(/^echo '(.*)' >/.exec(ganCommand(s))![1])));
  const lab = await executeTrial(config);
  assert.equal(lab.status, 'done', lab.error);
  assert.equal(view.status, 'done');
  assert.equal(view.id, lab.id);
  assert.deepEqual(view.config, lab.config);
  assert.deepEqual(view.steps, lab.steps);
  assert.deepEqual(view.steps!.iteration, [5, 10, 12]);
  assert.deepEqual(view.final, lab.final);
  assert.deepEqual(view.extra, lab.extra);
  assert.equal(view.error, undefined);
  assert.deepEqual(Object.keys(view).sort(), Object.keys(lab).sort());
  // Stopped short, the record is 'failed' (the lab would run it again) and says where.
  const part = new GanSession(s);
  part.advance(6);
  const partial = trialRecord(s, part.record(), view.id, 0.1);
  assert.equal(partial.status, 'failed');
  assert.match(partial.error!, /stopped in the playground at iteration 6 of 12/);
  assert.deepEqual(partial.steps, { iteration: [5], modesCovered: [lab.steps!.modesCovered[0]], highQualityFraction: [lab.steps!.highQualityFraction[0]] });
});

test('the view runs the lab\'s validation: a contradiction is refused with the lab\'s message', () => {
  assert.throws(() => new GanSession({ ...base, lipschitz: 'clip', lambda: 0 }), /lambda is the clipping bound c of lipschitz 'clip' and must be positive/);
});
