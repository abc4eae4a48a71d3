/**
 * Reduced versions of the issue 20 part B reproductions (lottery ticket, ...): each asserts the
 * direction of its claim at the reduced size, with the margin it shows there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReproduction } from '../../../src/lab/index.js';
import { initBackend } from '../../../src/backend/load.js';

initBackend({ quiet: true });
const root = mkdtempSync(join(tmpdir(), 'descent-h9-repro-'));

test('lottery ticket (reduced): at 16 % of the weights the rewound ticket beats the re-initialized mask and stays near the dense accuracy', async () => {
  const res = await runReproduction('lottery-ticket', { scale: 'quick', outDir: join(root, 'lottery'), workers: 1, quiet: true });
  assert.equal(res.failed, 0);
  const f = res.analysis.figures as Record<string, number>;
  assert.ok(Math.abs(f.density - 0.16) < 1e-3, `density ${f.density}`);
  // Measured at this size: dense 73.6 %, ticket 71.6 %, fresh init 64 %. The paper's "matches
  // the dense accuracy" (within 1 point) holds only to 2 points here; asserted to 3.
  assert.ok(f.ticket > f.random + 0.03, `ticket ${f.ticket} vs fresh init ${f.random}`);
  assert.ok(f.ticket > f.dense - 0.03, `ticket ${f.ticket} vs dense ${f.dense}`);
});

test('conditioning with the measured spectrum (reduced): κ̂ is the constructed κ, GD slope ≈ 1, momentum and Nesterov ≈ ½', async () => {
  const res = await runReproduction('conditioning-spectrum', { scale: 'quick', outDir: join(root, 'conditioning'), workers: 1, quiet: true });
  assert.equal(res.failed, 0);
  const f = res.analysis.figures as Record<string, number>;
  // Measured: largest relative eigenvalue error 1.9e-14; slopes 1.01, 0.571, 0.441.
  assert.ok(f.worstSpectrumError < 1e-9, `spectrum error ${f.worstSpectrumError}`);
  assert.ok(f['slopeMeasured:sgd'] > 0.8 && f['slopeMeasured:sgd'] < 1.2, `GD slope ${f['slopeMeasured:sgd']}`);
  for (const k of ['momentum', 'nesterov']) assert.ok(f[`slopeMeasured:${k}`] > 0.35 && f[`slopeMeasured:${k}`] < 0.7, `${k} slope ${f[`slopeMeasured:${k}`]}`);
  for (const c of res.analysis.claims) assert.ok(c.holds, `${c.claim}: ${c.detail}`);
});

test('thesis 004 appendix 3.C (reduced): both betas change the direction at C = d = 6; the critical C grows with them (sequential and stochastic δ = 1)', async () => {
  const res = await runReproduction('adam-critical-c', { scale: 'quick', outDir: join(root, 'critical'), workers: 1, quiet: true });
  assert.equal(res.failed, 0);
  // Measured: 4 of 9 grid points go the wrong way at C = d = 6 (final θ -0.119 to 0.791); the
  // critical C does not decrease in 100 % (sequential) and 91.7 % (stochastic) of neighbour pairs.
  for (const c of res.analysis.claims) assert.ok(c.holds, `${c.claim}: ${c.detail}`);
  assert.equal(res.analysis.claims.length, 4);
});

test('initialization (reduced, 20 layers): zero gives no hidden gradient, naive N(0, 0.01²) vanishes, Xavier/Kaiming/orthogonal/LSUV stay within a decade, BN rescues the naive init', async () => {
  const res = await runReproduction('init-gradients', { scale: 'quick', outDir: join(root, 'init'), workers: 1, quiet: true });
  assert.equal(res.failed, 0);
  const holds = (re: RegExp): boolean => res.analysis.claims.find((c) => re.test(c.claim))!.holds;
  for (const re of [/^Zero initialization/, /^Naive/, /^Xavier/, /^Orthogonal and LSUV/, /^Batch normalization rescues/]) assert.ok(holds(re), String(re));
  // Measured at this size and not asserted: orthogonal weights (gain 5/3) spread the tanh
  // network's gradient scales over 0.686 decades, Xavier's over 0.5 (no dynamical-isometry edge).
  const f = res.analysis.figures as Record<string, number>;
  assert.ok(f['tanh:xavier:plain:spreadInit'] < 1 && f['relu:kaiming:plain:spreadInit'] < 1);
});
