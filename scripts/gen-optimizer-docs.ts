/**
 * Writes the catalog tables of docs/optimizers.md from the registry: the first-order methods,
 * the wrappers, the second-order methods and the schedules, each between a pair of markers
 * (`<!-- generated:NAME -->` ... `<!-- /generated:NAME -->`). Everything outside the markers is
 * hand-written prose and is left as it is.
 *
 *   npx tsx scripts/gen-optimizer-docs.ts          rewrites the doc
 *   npx tsx scripts/gen-optimizer-docs.ts --check  exits 1 when the doc is out of date
 *
 * test/optim/docs.test.ts fails when the committed doc and the registry disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  describeOptimizer, describeSchedule, firstOrderOptimizers, listSchedules, secondOrderMethods, optimizerWrappers,
  type OptionDescription,
} from '../src/optim/index.js';

/** The doc this script maintains. */
export const OPTIMIZERS_DOC = fileURLToPath(new URL('../docs/optimizers.md', import.meta.url));

const cell = (text: string | undefined): string => (text ?? '').replace(/\|/g, '\\|');
const value = (o: OptionDescription): string => `${o.name}=${o.default === undefined ? '(required)' : JSON.stringify(o.default)}`;
const defaults = (options: OptionDescription[]): string => cell(options.map(value).join(', '));

function optimizerTable(names: string[]): string {
  const rows = names.sort().map((n) => {
    const d = describeOptimizer(n);
    return `| \`${d.name}\` | ${cell(d.formula)} | ${d.adaptive ? 'yes' : 'no'} | ${defaults(d.options)} | ${cell(d.source)} |`;
  });
  return ['| name | update rule | adaptive | defaults | source |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

function wrapperTable(): string {
  const rows = optimizerWrappers.map((e) => e.name).sort().map((n) => {
    const d = describeOptimizer(n);
    return `| \`${d.name}\` | ${cell(d.formula)} | ${defaults(d.options)} | ${cell(d.source)} |`;
  });
  return ['| name | update rule | defaults | source |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function secondOrderTable(): string {
  const rows = secondOrderMethods.map((e) => e.name.toLowerCase()).sort().map((n) => {
    const d = describeOptimizer(n);
    return `| \`${d.name}\` | ${cell(d.formula)} | ${cell(d.source)} |`;
  });
  return ['| name | step | source |', '| --- | --- | --- |', ...rows].join('\n');
}

function scheduleTable(): string {
  const rows = listSchedules().map((n) => {
    const d = describeSchedule(n);
    return `| \`${d.name}\` | ${cell(d.doc)} | ${defaults(d.options)} |`;
  });
  return ['| name | lr at step t | options (defaults) |', '| --- | --- | --- |', ...rows].join('\n');
}

/** Every generated region of the doc by marker name, rendered from the registry now. */
export function generatedRegions(): Record<string, string> {
  return {
    optimizers: optimizerTable(firstOrderOptimizers.flatMap((cls) => cls.entries.map((e) => e.name))),
    wrappers: wrapperTable(),
    'second-order': secondOrderTable(),
    schedules: scheduleTable(),
  };
}

/** `doc` with each generated region replaced by its current rendering (throws when a marker is missing). */
export function regenerate(doc: string, regions: Record<string, string> = generatedRegions()): string {
  let out = doc;
  for (const [name, body] of Object.entries(regions)) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`gen-optimizer-docs: the doc lacks the markers ${open} ... ${close}`);
    out = `${out.slice(0, start + open.length)}\n${body}\n${out.slice(end)}`;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = readFileSync(OPTIMIZERS_DOC, 'utf8');
  const next = regenerate(doc);
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      console.error('docs/optimizers.md is out of date: run npx tsx scripts/gen-optimizer-docs.ts');
      process.exit(1);
    }
  } else if (next !== doc) {
    writeFileSync(OPTIMIZERS_DOC, next);
    console.log('docs/optimizers.md: catalog tables rewritten from the registry');
  } else {
    console.log('docs/optimizers.md is up to date');
  }
}
