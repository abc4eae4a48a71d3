/**
 * Running a reproduction (`descent reproduce NAME`): its trials (full or quick scale) go
 * through the runner into its own run directory (resumable), and its analysis becomes plots,
 * tables, checked claims, results.md, claims.json and an HTML report. The reproductions
 * themselves are listed in ../catalog.ts.
 */
import { writeFileAtomic } from '../../io/atomic.js';
import { join, resolve } from 'node:path';
import { runExperiment } from '../experiment.js';
import { machineInfo } from '../machine.js';
import { writeReport } from '../report.js';
import { getReproduction } from '../catalog.js';
import { LabError, markdownTable } from '../util.js';
import type { TrialRecord } from '../trial.js';
import type { Analysis, Reproduction, Scale } from './types.js';

export interface ReproduceOptions {
  scale?: Scale;
  outDir?: string;
  workers?: number;
  fresh?: boolean;
  quiet?: boolean;
  command?: string;
  log?: (s: string) => void;
  /** Put the hostname and user name into run.json and the report (`--machine-details`). */
  machineDetails?: boolean;
}

export interface ReproduceResult {
  reproduction: Reproduction;
  dir: string;
  reportPath: string;
  analysis: Analysis;
  ran: number;
  skipped: number;
  failed: number;
  /** The trials that failed (their records, errors included). */
  failures: TrialRecord[];
}

export function defaultReproductionDir(name: string, scale: Scale): string {
  return join('runs', 'reproduce', scale === 'quick' ? `${name}-quick` : name);
}

export async function runReproduction(name: string, o: ReproduceOptions = {}): Promise<ReproduceResult> {
  const rep = getReproduction(name);
  const scale = o.scale ?? 'full';
  const dir = resolve(o.outDir ?? defaultReproductionDir(name, scale));
  const command = o.command ?? `descent reproduce ${name}${scale === 'quick' ? ' --quick' : ''}`;
  const trials = rep.trials(scale);
  const run = await runExperiment({ name: rep.name, kind: 'reproduce', outDir: dir, trials, command, workers: o.workers, fresh: o.fresh, quiet: o.quiet, log: o.log, machineDetails: o.machineDetails, spec: { reproduction: rep.name, scale } });
  const failed = run.records.filter((r) => r.status !== 'done');
  if (failed.length > 0 && failed.length === run.records.length) {
    throw new LabError(`${rep.name}: every trial failed; first error: ${failed[0].error}`);
  }
  const analysis = await rep.analyze(run.records, join(dir, 'plots'), scale);
  const md = [
    `# ${rep.title}`,
    '',
    `Source: ${rep.source}`,
    '',
    `Command: \`${command}\``,
    '',
    ...analysis.claims.map((c) => `- ${c.holds ? '[holds]' : '[does not hold]'} ${c.claim} (${c.detail})`),
    '',
    ...analysis.tables.flatMap((t) => [t.caption ? `**${t.caption}**\n` : '', markdownTable(t.headers, t.rows), '']),
  ].join('\n');
  writeFileAtomic(join(dir, 'results.md'), md);
  writeFileAtomic(join(dir, 'claims.json'), JSON.stringify({ reproduction: rep.name, scale, claims: analysis.claims, figures: analysis.figures }, null, 2) + '\n');
  const reportPath = writeReport(join(dir, 'report.html'), {
    title: rep.title,
    subtitle: `${rep.summary} Source: ${rep.source}.${scale === 'quick' ? ' Reduced (quick) scale.' : ''}`,
    command,
    machine: machineInfo({ details: o.machineDetails }),
    runDirs: [dir],
    sections: [
      ...analysis.sections,
      ...(failed.length ? [{ title: 'Failed trials', text: failed.map((r) => `${r.config.method.label} seed ${r.config.seed}: ${r.error}`) }] : []),
    ],
  });
  return { reproduction: rep, dir, reportPath, analysis, ran: run.ran, skipped: run.skipped, failed: failed.length, failures: failed };
}
