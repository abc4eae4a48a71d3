import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';

const root = mkdtempSync(join(tmpdir(), 'descent-seeds-'));

async function dryRun(seeds: string): Promise<{ code: number; out: string; err: string }> {
  const spec = join(root, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(spec, `tasks: [rosenbrock]\noptimizers: [sgd]\nseeds: ${seeds}\n`);
  let out = '';
  let err = '';
  const code = await runCli(['compare', spec, '--dry-run'], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err: err.replace(spec, 'SPEC') };
}

test('spec seeds: fractional, string or huge values get a message saying what seeds must be', async () => {
  const count = 'expected a count of seeds \\(an integer from 1 to 10000\\) or a list of seed values \\(integers from 0 to 2\\^53 - 1\\)';
  const cases: [string, RegExp][] = [
    ['1.5', new RegExp(`^descent: error: SPEC: seeds: ${count}, got 1\\.5\\n$`)],
    ['"3"', new RegExp(`^descent: error: SPEC: seeds: ${count}, got the string '3'\\n$`)],
    ['1000000000', new RegExp(`SPEC: seeds: ${count}, got 1000000000\\n$`)],
    ['1e300', new RegExp(`SPEC: seeds: ${count}, got 1e\\+300\\n$`)],
    ['[]', new RegExp(`SPEC: seeds: ${count}, got an empty list\\n$`)],
    ['[0, 2.5]', /SPEC: seeds\[1\]: a seed value must be an integer from 0 to 2\^53 - 1, got 2\.5\n$/],
    ['[0, x]', /SPEC: seeds\[1\]: a seed value must be an integer from 0 to 2\^53 - 1, got the string 'x'\n$/],
    ['[1e300]', /SPEC: seeds\[0\]: a seed value must be an integer from 0 to 2\^53 - 1, got 1e\+300\n$/],
  ];
  for (const [seeds, message] of cases) {
    const r = await dryRun(seeds);
    assert.equal(r.code, 1, seeds);
    assert.match(r.err, message, seeds);
  }
  assert.match((await dryRun('3')).out, /valid; 3 trials/);
  assert.match((await dryRun('[4, 9007199254740991]')).out, /valid; 2 trials/);
});
