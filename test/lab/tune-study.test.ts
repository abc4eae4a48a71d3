import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { runTrials, type RunTrialsOptions } from '../../src/lab/index.js';
import { planStudies, runTuneStudy, validateTuneSpec } from '../../src/lab/tune/index.js';

const root = mkdtempSync(join(tmpdir(), 'descent-tune-'));

function plan() {
  const spec = validateTuneSpec({
    tasks: [
      { name: 'quadratic', options: { steps: 30 }, target: 1 },
      { name: 'rosenbrock', options: { steps: 60 } },
    ],
    optimizers: [
      { name: 'sgd', search: { lr: { log: [1e-4, 1e-1] } } },
      { name: 'adam', search: { lr: { log: [1e-3, 1] } } },
    ],
    search: { method: 'quasirandom', trials: 4 },
    seeds: 2,
  });
  return planStudies({ ...spec, name: 'resume' });
}

test('a study runs through the injected runner, reports per task, and a second run runs nothing', async () => {
  const dir = join(root, 'resume');
  const batches: number[] = [];
  const runner = (o: RunTrialsOptions) => {
    batches.push(o.trials.length);
    return runTrials(o);
  };
  const first = await runTuneStudy({ plan: plan(), outDir: dir, command: 'test', runner, workers: 0, quiet: true });
  // 2 tasks x 2 methods x 4 configurations, then 2 tasks x 2 methods x 2 seeds.
  assert.deepEqual(batches, [16, 8]);
  assert.equal(first.result.ran, 24);
  assert.equal(first.result.failed, 0);
  assert.ok(existsSync(first.reportPath) && existsSync(join(dir, 'study.json')) && existsSync(join(dir, 'plots', 'tune-performance-profiles.svg')));
  const html = readFileSync(first.reportPath, 'utf8');
  assert.match(html, /Tuning quadratic: performance, speed, tuneability/);
  assert.match(html, /Performance profiles/);
  assert.match(first.text, /speed: steps to target 1\b/);
  const again = await runTuneStudy({ plan: plan(), outDir: dir, command: 'test', runner, workers: 0, quiet: true });
  assert.equal(again.result.ran, 0, 'everything found in the store');
  assert.equal(again.result.skipped, 24);
  assert.deepEqual(
    again.result.methods.map((m) => m.candidates[m.best!].options),
    first.result.methods.map((m) => m.candidates[m.best!].options),
  );
  assert.deepEqual(again.result.methods.map((m) => m.finals.map((f) => f.id)), first.result.methods.map((m) => m.finals.map((f) => f.id)));
});

test('descent tune: dry run lists the configurations; --queue to an unreachable Redis says what to do', async () => {
  const spec = join(root, 'q.yaml');
  writeFileSync(spec, 'tasks: [quadratic]\noptimizers:\n  - name: sgd\n    search: { lr: { log: [1.0e-3, 1.0e-1] } }\nsearch: { method: grid, points: 3 }\nseeds: 1\n');
  let out = '';
  let err = '';
  const io = { out: (s: string) => (out += s), err: (s: string) => (err += s), progress: (s: string) => (err += s) };
  assert.equal(await runCli(['tune', spec, '--dry-run'], io), 0);
  assert.match(out, /valid; 1 studies, grid search on loss \(min\)/);
  assert.match(out, /sgd lr=0\.001\n {4}sgd lr=0\.01\n {4}sgd lr=0\.1\n/);
  assert.equal(await runCli(['tune', spec, '--queue', 'redis://127.0.0.1:1'], io), 1);
  assert.match(err, /cannot reach Redis at redis:\/\/127\.0\.0\.1:1 .*start a server there .* or pass the address of a running one to --queue/);
  out = '';
  assert.equal(await runCli(['tune', spec, '-o', join(root, 'cli'), '-w', '0', '-q'], io), 0);
  assert.match(out, /trials: 4 run now, 0 found in the store/);
  out = '';
  assert.equal(await runCli(['tune', spec, '-o', join(root, 'cli'), '-w', '0', '-q'], io), 0);
  assert.match(out, /trials: 0 run now, 4 found in the store/);
  err = '';
  assert.equal(await runCli(['tune', join(root, 'missing.yaml')], io), 1);
  assert.match(err, /cannot read tuning spec '.*missing\.yaml': no such file/);
});
