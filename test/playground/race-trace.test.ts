// The race's trajectories are the CLI's bit for bit, for every optimizer the race's picker
// offers (the registry's, the presets and the wrappers), on every 2D problem and the online
// counterexample: `descentPlayground.trace` in headless Chromium against `runTrace` (what
// `descent trace --json` prints) in Node, compared with exact equality. That holds because the
// optimizers' powers and the problems' trigonometry go through descent's deterministic
// pow/sinTwoPi/cosTwoPi (Chromium's and Node's Math.pow, exp, log, sin, cos and tanh differ in the
// last bit on a few percent of inputs). Skips, saying why, without Chromium or puppeteer-core.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/program.js';
import { listMethods } from '../../src/lab/methods.js';
import { runTrace, traceProblems, type TraceOptions } from '../../src/lab/trace.js';
import { closePlayground, openPlayground, playgroundSkip } from './harness.js';

after(closePlayground);

type Outcome = { iterates: number[][]; values: number[]; options: unknown } | { error: string };

function inNode(s: TraceOptions): Outcome {
  try {
    const r = runTrace(s);
    // Through JSON, as `--json` prints it (doubles round-trip exactly).
    return JSON.parse(JSON.stringify({ iterates: r.iterates, values: r.values, options: r.options }));
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const PAGE_BATCH = `async (list) => {
  const out = [];
  for (const s of list) {
    try {
      const r = await window.descentPlayground.trace(s);
      out.push({ iterates: r.iterates, values: r.values, options: r.options });
    } catch (e) {
      out.push({ error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}`;

test('every optimizer the race offers traces the same bits in the page as in the CLI, on every trace problem', { skip: playgroundSkip, timeout: 600000 }, async () => {
  const { page, consoleErrors, close } = await openPlayground('view=race&steps=1');
  const methods = listMethods();
  assert.ok(methods.length >= 25, `the race offers the registry (${methods.length})`);
  const settings: TraceOptions[] = [];
  for (const problem of traceProblems) {
    const online = problem.startsWith('online-');
    for (const optimizer of methods) settings.push({ problem, optimizer, steps: online ? 300 : 120, ...(online ? { seed: 5 } : {}) });
  }
  // Non-default options that take other code paths (schedules of β, a non-default start).
  settings.push({ problem: 'rosenbrock', optimizer: 'adam', options: { lr: 0.05, amsgrad: true }, steps: 200, start: [-1, 1.5] });
  settings.push({ problem: 'beale', optimizer: 'nadam', options: { betas: [0.8, 0.95] }, steps: 200, start: [1, 1] });
  settings.push({ problem: 'online-stochastic', optimizer: 'adam', options: { betas: [0, 0.999] }, steps: 2000, seed: 3 });
  settings.push({ problem: 'online-stochastic', optimizer: 'adashift', steps: 2000, seed: 3 });
  // Wrappers around a named inner optimizer with its own options (the race's inner picker).
  settings.push({ problem: 'rosenbrock', optimizer: 'lookahead', options: { optimizer: 'adam', optimizerOptions: { lr: 0.05, betas: [0.8, 0.99] }, k: 3 }, steps: 200 });
  settings.push({ problem: 'rastrigin', optimizer: 'swa', options: { optimizer: 'radam' }, steps: 200, start: [2.2, -1.3] });
  settings.push({ problem: 'beale', optimizer: 'ema', options: { optimizer: 'yogi', optimizerOptions: { lr: 0.02 } }, steps: 200 });
  const pageOut = (await page.evaluate(`(${PAGE_BATCH})(${JSON.stringify(settings)})`)) as Outcome[];
  const differ: string[] = [];
  let traced = 0;
  settings.forEach((s, i) => {
    const node = inNode(s);
    if (!('error' in node)) traced++;
    try {
      assert.deepStrictEqual(pageOut[i], node);
    } catch {
      const p = pageOut[i];
      const why = 'error' in node || 'error' in p
        ? `page ${'error' in p ? p.error : 'ran'}, node ${'error' in node ? node.error : 'ran'}`
        : `first different iterate ${p.iterates.findIndex((q, k) => q.some((v, j) => !Object.is(v, node.iterates[k]?.[j])))}`;
      differ.push(`${s.problem} ${s.optimizer} ${JSON.stringify(s.options ?? {})}: ${why}`);
    }
  });
  assert.deepEqual(differ, [], `${differ.length} of ${settings.length} traces differ`);
  assert.ok(traced > settings.length * 0.8, `most settings trace (${traced} of ${settings.length})`);
  assert.deepEqual(consoleErrors, []);
  await close();
});

test('`descent trace --json` prints what runTrace returns (so the comparison above is with the CLI)', async () => {
  let out = '';
  const code = await runCli(['trace', 'rastrigin', '--optimizer', 'adam', '--set', 'lr=0.05', '--steps', '50', '--start', '2.2,-1.3', '--json'], { out: (s) => (out += s), err: () => {}, progress: () => {} });
  assert.equal(code, 0);
  const cli = JSON.parse(out) as { iterates: number[][]; options: unknown };
  const direct = inNode({ problem: 'rastrigin', optimizer: 'adam', options: { lr: 0.05 }, steps: 50, start: [2.2, -1.3] }) as { iterates: number[][]; options: unknown };
  assert.deepStrictEqual(cli.iterates, direct.iterates);
  assert.deepStrictEqual(cli.options, direct.options);
});
