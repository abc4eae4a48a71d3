import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { machineInfo } from '../../src/lab/machine.js';

const root = mkdtempSync(join(tmpdir(), 'descent-privacy-'));

async function cli(...argv: string[]): Promise<number> {
  return runCli(argv, { out: () => {}, err: () => {}, progress: () => {} });
}

/** The report's own text: without the inlined libraries, specs and SVG markup (Vega's SVG has class="root"). */
function reportText(path: string): string {
  return readFileSync(path, 'utf8').replace(/<script[\s\S]*?<\/script>/g, '').replace(/<svg[\s\S]*?<\/svg>/g, '');
}

const word = (s: string): RegExp => new RegExp(`(^|[^A-Za-z0-9_.-])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_.-])`);

test('machineInfo leaves out the hostname and user name unless asked', () => {
  const plain = machineInfo();
  assert.equal(plain.hostname, undefined);
  assert.equal(plain.user, undefined);
  assert.equal(typeof plain.cpu, 'string');
  assert.equal(typeof plain.cores, 'number');
  const detailed = machineInfo({ details: true });
  assert.equal(detailed.hostname, hostname());
  assert.equal(detailed.user, userInfo().username);
});

test('reports and run.json carry no hostname or user name by default, and do with --machine-details', async () => {
  const spec = join(root, 'tiny.yaml');
  writeFileSync(spec, 'name: tiny\ntasks:\n  - name: rosenbrock\n    options: { steps: 20 }\noptimizers: [sgd]\nseeds: 1\n');
  const host = word(hostname());
  const user = word(userInfo().username);
  const plain = join(root, 'plain');
  assert.equal(await cli('compare', spec, '--out', plain, '--quiet', '--workers', '0'), 0);
  const plainRun = JSON.parse(readFileSync(join(plain, 'run.json'), 'utf8')) as { machine: Record<string, unknown> };
  assert.equal(plainRun.machine.hostname, undefined);
  assert.equal(plainRun.machine.user, undefined);
  assert.ok(!JSON.stringify(plainRun).includes(hostname()), 'hostname in run.json');
  const html = reportText(join(plain, 'report.html'));
  assert.match(html, /Machine and versions/);
  assert.match(html, /<th>cores<\/th>/);
  assert.doesNotMatch(html, host, 'hostname in report.html');
  assert.doesNotMatch(html, user, 'user name in report.html');
  assert.equal(await cli('report', plain, '--out', join(root, 'plain-again.html')), 0);
  assert.doesNotMatch(reportText(join(root, 'plain-again.html')), host);

  const detailed = join(root, 'detailed');
  assert.equal(await cli('compare', spec, '--out', detailed, '--quiet', '--workers', '0', '--machine-details'), 0);
  const run = JSON.parse(readFileSync(join(detailed, 'run.json'), 'utf8')) as { machine: Record<string, unknown> };
  assert.equal(run.machine.hostname, hostname());
  assert.equal(run.machine.user, userInfo().username);
  const shown = reportText(join(detailed, 'report.html'));
  assert.match(shown, host);
  assert.match(shown, new RegExp(`<th>user</th><td>${userInfo().username}</td>`));
  assert.equal(await cli('report', detailed, '--out', join(root, 'detailed-again.html'), '--machine-details'), 0);
  assert.match(reportText(join(root, 'detailed-again.html')), host);
});
