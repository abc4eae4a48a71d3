/**
 * `descent tune SPEC`: a tuning study per method (grid, quasi-random, successive-halving or asha
 * search over the spec's hyperparameters), the best configuration of each rerun over seeds,
 * and the study's report. Registered by one block in ./program.ts.
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { LabError, type TrialRecord } from '../lab/index.js';
import { describeOptions } from '../lab/util.js';
import { loadTuneSpecFile, planStudies, runTuneStudy, trialOf, type TrialRunner } from '../lab/tune/index.js';

/** What the command needs from the program: its output, its shared options and checks. */
export interface TuneCommandContext {
  io: { out: (s: string) => void; err: (s: string) => void; progress?: (s: string) => void };
  /** The command line, as run.json records it. */
  command: string;
  workersOption: () => Option;
  breakLockOption: () => Option;
  machineDetailsOption: () => Option;
  breakLockIfAsked: (dir: string, asked: boolean | undefined) => void;
  failIfTrialsFailed: (records: readonly TrialRecord[]) => void;
  /**
   * The queue-backed runner for `--queue URL` (the Redis queue), wired by the program where it
   * exists; without it `--queue` is refused with a message saying so.
   */
  queueRunner?: (url: string) => TrialRunner;
}

interface TuneFlags {
  out?: string;
  workers?: number;
  fresh?: boolean;
  quiet?: boolean;
  dryRun?: boolean;
  breakLock?: boolean;
  machineDetails?: boolean;
  queue?: string;
}

export function registerTuneCommand(program: Command, ctx: TuneCommandContext): void {
  const { io } = ctx;
  program
    .command('tune')
    .description('tune each method of a spec (grid, quasi-random, successive-halving or asha search), rerun the best over seeds, and report performance, speed and tuneability; resumable')
    .argument('<spec>', 'tuning spec (.json, .yaml or .yml)')
    .option('-o, --out <dir>', 'run directory (default runs/<spec name>); re-running into it skips finished trials')
    .addOption(ctx.workersOption())
    .option('--fresh', 'run every trial again')
    .option('-q, --quiet', 'no progress display')
    .option('--dry-run', 'validate the spec and list the configurations without running them')
    .option('--queue <url>', 'run the trials on workers reading a queue (redis://HOST:PORT) instead of this host')
    .addOption(ctx.breakLockOption())
    .addOption(ctx.machineDetailsOption())
    .addHelpText(
      'after',
      `
Spec example (YAML):
  name: mlp-lr
  tasks:
    - name: mlp
      options: { dataset: builtin, epochs: 3 }
      tuneOptions: { holdout: 1000 }     # tune on a validation split
  optimizers:
    - sgd                                # lr log-uniform over 1e-5..1e2 by default
    - name: adam
      search: { lr: { log: [1.0e-5, 1.0e-1] } }
  search: { method: quasirandom, trials: 8, sequence: halton }
  seeds: 3`,
    )
    .action(async (specPath: string, o: TuneFlags) => {
      const spec = loadTuneSpecFile(specPath);
      const plan = planStudies(spec, specPath);
      if (o.dryRun) {
        io.out(`${specPath}: valid; ${plan.studies.length} studies, ${spec.search.method} search on ${plan.metric} (${plan.goal})\n`);
        for (const s of plan.studies) {
          io.out(`  ${s.taskLabel} | ${s.method.label} | searching ${s.params.map((p) => p.name).join(', ') || 'nothing'} | ${s.candidates.length} configurations\n`);
          for (const c of s.candidates) io.out(`    ${trialOf(s, c, spec.tuningSeeds[0], { tuning: true }).method.label}\n`);
        }
        return;
      }
      let runner: TrialRunner | undefined;
      if (o.queue) {
        if (!ctx.queueRunner) throw new LabError(`--queue ${o.queue}: this build has no queue-backed runner wired into 'descent tune'; run without --queue (trials then run on this host)`);
        runner = ctx.queueRunner(o.queue);
      }
      const outDir = o.out ?? join('runs', spec.name);
      ctx.breakLockIfAsked(outDir, o.breakLock);
      const run = await runTuneStudy({ plan, outDir, command: ctx.command, runner, workers: o.workers ?? spec.workers, fresh: o.fresh, quiet: o.quiet, log: io.progress, machineDetails: o.machineDetails });
      io.out(`\n${run.text}\n\n`);
      const r = run.result;
      io.out(`trials: ${r.ran} run now, ${r.skipped} found in the store${r.failed ? `, ${r.failed} failed` : ''}\n`);
      io.out(`report: ${run.reportPath}\nstudy:  ${join(run.store.dir, 'study.json')}\nresults store: ${run.store.trialsPath}\n`);
      ctx.failIfTrialsFailed(r.methods.flatMap((m) => m.finals));
    });
}
