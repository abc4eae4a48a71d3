/** docs/optimizers.md's catalog tables are generated from the registry and must stay in step with it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generatedRegions, OPTIMIZERS_DOC, regenerate } from '../../scripts/gen-optimizer-docs.js';

test('the committed docs/optimizers.md matches the registry (run npx tsx scripts/gen-optimizer-docs.ts)', () => {
  const doc = readFileSync(OPTIMIZERS_DOC, 'utf8');
  assert.equal(regenerate(doc), doc);
});

test('the generated tables name every optimizer and schedule, and the prose outside them is kept', () => {
  const regions = generatedRegions();
  assert.match(regions.optimizers, /^\| `adam` \| m = β1 m \+ \(1-β1\)g;.* \| yes \| lr=0\.001, betas=\[0\.9,0\.999\], eps=1e-8,/m);
  assert.match(regions.optimizers, /^\| `sgd` \| .* \| no \| lr=0\.01, momentum=0,/m);
  assert.match(regions.wrappers, /^\| `lookahead` \| every k steps/m);
  assert.match(regions['second-order'], /^\| `lbfgs` \|/m);
  assert.match(regions.schedules, /^\| `cosine` \| .* \| tMax=\(required\), etaMin=0 \|$/m);
  const doc = 'intro\n<!-- generated:optimizers -->\nstale\n<!-- /generated:optimizers -->\noutro';
  assert.equal(regenerate(doc, { optimizers: 'fresh' }), 'intro\n<!-- generated:optimizers -->\nfresh\n<!-- /generated:optimizers -->\noutro');
  assert.throws(() => regenerate('no markers', { optimizers: 'x' }), /the doc lacks the markers <!-- generated:optimizers -->/);
});
