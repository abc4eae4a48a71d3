// descent's deterministic math (src/backend/math: pow, log, sinTwoPi, cosTwoPi) gives the same
// bits in headless Chromium as in Node, on the inputs the race's traces use (β^t for the bias
// corrections, random powers, logs and angles), which Math.pow, Math.log and Math.sin/cos do not
// (measured at the time of writing: Chromium 156 against Node 20, 9% of those powers and 3% of
// the logs and sines differed in the last bit; the test prints the current counts).
// Skips without Chromium or puppeteer-core.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { closePlayground, openPlayground, playgroundSkip } from './harness.js';

after(closePlayground);

function inputs(): Record<string, number[][]> {
  let s = 12345;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const cases: Record<string, number[][]> = { pow: [], log: [], sinTwoPi: [], cosTwoPi: [] };
  for (const b of [0.9, 0.999, 0.99, 0.95, 0.5, 0.8, 0.96, 0.9999]) for (let t = 1; t <= 1500; t++) cases.pow.push([b, t]);
  for (let i = 0; i < 10000; i++) {
    cases.pow.push([rnd() * 4, (rnd() - 0.5) * 20]);
    cases.log.push([rnd() * 100]);
    cases.sinTwoPi.push([(rnd() - 0.5) * 20]);
    cases.cosTwoPi.push([(rnd() - 0.5) * 20]);
  }
  return cases;
}

// Each function on every input, as text (so -0 and NaN survive the trip back from the page).
const RUN = `(cases, engine) => {
  const F = engine ? { pow: Math.pow, log: Math.log, sinTwoPi: (x) => Math.sin(2 * Math.PI * x), cosTwoPi: (x) => Math.cos(2 * Math.PI * x) } : globalThis.descentMath;
  const out = {};
  for (const k of Object.keys(cases)) out[k] = cases[k].map((a) => { const r = F[k](...a); return Object.is(r, -0) ? '-0' : String(r); });
  return out;
}`;

test("descent's pow, log, sin(2πx) and cos(2πx) give the same bits in Chromium as in Node", { skip: playgroundSkip }, async () => {
  const bundle = buildSync({
    stdin: {
      contents: `import { pow } from './pow.ts'; import { log } from './log.ts'; import { sinTwoPi, cosTwoPi } from './trig.ts'; globalThis.descentMath = { pow, log, sinTwoPi, cosTwoPi };`,
      resolveDir: resolve('src/backend/math'), loader: 'ts',
    },
    bundle: true, format: 'iife', write: false, logLevel: 'silent',
  }).outputFiles[0].text;
  const cases = inputs();
  const run = new Function('cases', 'engine', `return (${RUN})(cases, engine);`) as (c: unknown, engine: boolean) => Record<string, string[]>;
  new Function(bundle)();
  const node = run(cases, false);
  const nodeEngine = run(cases, true);
  const { page, consoleErrors, close } = await openPlayground('view=race&steps=1');
  await page.evaluate(bundle);
  const chrome = (await page.evaluate(`(${RUN})(${JSON.stringify(cases)}, false)`)) as Record<string, string[]>;
  const chromeEngine = (await page.evaluate(`(${RUN})(${JSON.stringify(cases)}, true)`)) as Record<string, string[]>;
  const counts = Object.keys(cases).map((k) => {
    const ours = node[k].filter((v, i) => v !== chrome[k][i]).length;
    const engines = nodeEngine[k].filter((v, i) => v !== chromeEngine[k][i]).length;
    return { fn: k, inputs: cases[k].length, descentDiffers: ours, engineMathDiffers: engines };
  });
  console.log(JSON.stringify(counts));
  for (const c of counts) assert.equal(c.descentDiffers, 0, `${c.fn}: ${c.descentDiffers} of ${c.inputs} differ between Chromium and Node`);
  assert.deepEqual(consoleErrors, []);
  await close();
});
