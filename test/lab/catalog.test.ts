/**
 * The lab's shape: one catalog lists every task and reproduction, the library layers never
 * import the lab, one rule applies a task's default learning rate, one helper builds strict
 * option schemas, one sink collects plots, and trial ids stay what they were before the
 * reproductions moved (stored runs still resume).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { expandSpec, getReproduction, getTask, isAdaptive, listTasks, optionsSchema, parseTaskOptions, reproductions, resolveMethod, runTrace, stableHash, tasks, trialId, withDefaultLr } from '../../src/lab/index.js';
import { PlotSink } from '../../src/lab/reproductions/kit.js';
import { diagnosticsReproductions, diagnosticsTasks } from '../../src/lab/catalog.js';

// The pins below hold for the tasks and reproductions that existed before the diagnostics area
// (issue 20); test/lab/reproductions/diagnostics.test.ts pins the diagnostics ones.
const earlier = <T>(all: readonly T[], added: readonly T[]): T[] => all.filter((x) => !added.includes(x));
import { barChart } from '../../src/lab/plots.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('no library layer imports the lab', () => {
  const offenders: string[] = [];
  for (const layer of ['tensor', 'backend', 'nn', 'optim', 'regularize', 'gan', 'data', 'io']) {
    const dir = join('src', layer);
    if (!existsSync(dir)) continue;
    for (const file of sourceFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        if (/(^|\/)lab(\/|$)/.test(m[1])) offenders.push(`${file}: ${m[1]}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});

test('the catalog lists every task and reproduction once, and lookups read it', () => {
  const taskNames = tasks.map((t) => t.name);
  assert.equal(new Set(taskNames).size, taskNames.length, `duplicate task names: ${taskNames.join(', ')}`);
  assert.deepEqual(listTasks().map((t) => t.name), taskNames);
  for (const t of tasks) assert.equal(getTask(t.name), t);
  const repNames = reproductions.map((r) => r.name);
  assert.equal(new Set(repNames).size, repNames.length);
  for (const r of reproductions) assert.equal(getReproduction(r.name), r);
  assert.equal(earlier(tasks, diagnosticsTasks).length, 26);
  assert.equal(earlier(reproductions, diagnosticsReproductions).length, 18);
  assert.equal(taskNames.length, 31);
  assert.equal(repNames.length, 23);
  // Every task a reproduction's trials name is in the catalog.
  for (const r of reproductions) for (const c of r.trials('quick')) assert.ok(taskNames.includes(c.task), `${r.name} names unknown task ${c.task}`);
  assert.throws(() => getTask('nope'), /unknown task 'nope'; available: rosenbrock, beale/);
  assert.throws(() => getReproduction('nope'), /unknown reproduction 'nope'; available: adam-counterexample/);
});

test('the trial ids of every reproduction are the ones stored runs were written with', () => {
  const ids: Record<string, string[]> = {};
  // Reproductions and trials added later (issue 20 part B: four reproductions, and adashift-mnist's
  // runs with the authors' AdaShift safeguard) are left out: every earlier trial keeps its id.
  const added = new Set(['lottery-ticket', 'conditioning-spectrum', 'adam-critical-c', 'init-gradients']);
  const addedLabel = /\(authors\)$/;
  for (const r of earlier(reproductions, diagnosticsReproductions)) {
    if (added.has(r.name)) continue;
    for (const s of ['full', 'quick'] as const) ids[`${r.name}:${s}`] = r.trials(s).filter((c) => !addedLabel.test(c.method.label)).map(trialId);
  }
  assert.equal(Object.keys(ids).length, 28);
  assert.equal(stableHash(ids), '00fd49c3997fb801');
});

// First-order methods keep their ids. Second-order methods (and ASGD) are not adaptive by the
// registry's rule, so a task now gives them the SGD default lr: their spec ids changed once.
test('spec trials keep their ids (every task at its default options, the quadratic aside)', () => {
  const optimizers = ['sgd', 'adam', 'momentum', 'nesterov', 'amsgrad', { name: 'adam', options: { lr: 0.5 } }, 'adashift'];
  const out: Record<string, string[] | string> = {};
  for (const name of earlier(listTasks(), diagnosticsTasks).map((t) => t.name).sort()) {
    if (name === 'quadratic-nd') continue;
    // Tasks added by issue 20 part B, after these ids were recorded.
    if (['lottery-ticket', 'quadratic-spectrum', 'adam-critical-c', 'init-gradients'].includes(name)) continue;
    try {
      out[`spec:${name}:{}`] = expandSpec({ tasks: [{ name, options: {} }], optimizers, seeds: 2 } as never).map(trialId);
    } catch (e) {
      out[`spec:${name}:{}`] = String(e);
    }
  }
  assert.equal(Object.keys(out).length, 21);
  assert.equal(stableHash(out), 'a58da30cf0242a3f');
  const [lbfgs] = expandSpec({ tasks: [{ name: 'mlp', options: {} }], optimizers: ['lbfgs'], seeds: 1 } as never);
  assert.equal(lbfgs.method.options.lr, 0.05);
});

test('one rule gives a method its task default lr: an lr given wins, else the task decides from its options', () => {
  const quadratic = getTask('quadratic-nd');
  const sgd = resolveMethod('sgd');
  const adam = resolveMethod('adam');
  assert.equal(withDefaultLr(quadratic, sgd, parseTaskOptions(quadratic, { kappa: 99 })).options.lr, 2 / 100);
  assert.equal(withDefaultLr(quadratic, adam, parseTaskOptions(quadratic, { kappa: 99 })).options.lr, 0.01);
  assert.equal(withDefaultLr(quadratic, resolveMethod('sgd', { lr: 0.3 }), parseTaskOptions(quadratic, {})).options.lr, 0.3);
  // A spec records the lr the trial runs with.
  const [trial] = expandSpec({ tasks: [{ name: 'quadratic-nd', options: { kappa: 9 } }], optimizers: ['nesterov'], seeds: 1 } as never);
  assert.equal(trial.method.options.lr, 0.2);
  // The online tasks give every method the thesis' α; the 2D functions their own pair.
  const online = getTask('online-stochastic');
  assert.equal(withDefaultLr(online, adam, parseTaskOptions(online, {})).options.lr, 0.001);
  const rosenbrock = getTask('rosenbrock');
  const o = parseTaskOptions(rosenbrock, {});
  assert.equal(withDefaultLr(rosenbrock, sgd, o).options.lr, 1e-3);
  // `descent trace` applies the same rule.
  assert.equal(runTrace({ problem: 'rosenbrock', optimizer: 'adam', steps: 1 }).options.lr, withDefaultLr(rosenbrock, adam, o).options.lr);
  assert.equal(runTrace({ problem: 'online-sequential', optimizer: 'sgd', steps: 1 }).options.lr, 0.001);
});

test('isAdaptive reads the method optimizer: SGD and its momentum presets are not adaptive', () => {
  assert.deepEqual(['sgd', 'momentum', 'nesterov', 'adam', 'amsgrad', 'adashift'].map((n) => isAdaptive(resolveMethod(n))), [false, false, false, true, true, true]);
});

test('optionsSchema fills defaults and refuses unknown keys', () => {
  const schema = optionsSchema({ steps: z.number().int().positive().default(5), start: z.tuple([z.number(), z.number()]).default([1, 2]) });
  assert.deepEqual(schema.parse({}), { steps: 5, start: [1, 2] });
  assert.deepEqual(schema.parse({ steps: 7 }), { steps: 7, start: [1, 2] });
  const r = schema.safeParse({ step: 7 });
  assert.ok(!r.success);
  assert.equal(r.error.issues[0].code, 'unrecognized_keys');
});

test('PlotSink keeps plots in order and writes them when it has a directory', async () => {
  const bars = [{ label: 'a', mean: 1 }, { label: 'b', mean: 2 }];
  const memory = new PlotSink(null);
  await memory.add(barChart(bars, { name: 'first', title: 'first', yTitle: 'y' }));
  await memory.add(barChart(bars, { name: 'second', title: 'second', yTitle: 'y' }));
  assert.deepEqual(memory.plots.map((p) => p.name), ['first', 'second']);
  assert.equal(memory.plots[0].files, undefined);
  const dir = mkdtempSync(join(tmpdir(), 'descent-sink-'));
  const disk = new PlotSink(dir);
  const written = await disk.add(barChart(bars, { name: 'bars', title: 'bars', yTitle: 'y' }));
  assert.equal(written, disk.plots[0]);
  assert.ok(existsSync(join(dir, 'bars.svg')) && existsSync(join(dir, 'bars.png')));
});
