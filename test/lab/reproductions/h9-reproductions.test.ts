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
