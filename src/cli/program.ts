/**
 * The `descent` command: the lab's front door. `runCli(argv)` parses and runs one command and
 * returns its exit status (0 ok, 1 error, 2 usage, 3 some trials failed); errors are one clear
 * line, no stack trace (set DESCENT_DEBUG=1 for one).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { backendInfo, listBackends } from '../backend/registry.js';
import { describeOptimizer } from '../optim/index.js';
import {
  LabError,
  commandLine,
  descentVersion,
  expandSpec,
  findRuns,
  fullDataAvailable,
  getReproduction,
  listMethods,
  listTasks,
  loadSpecFile,
  machineInfo,
  mainJobDefaults,
  mainJobTrials,
  openRun,
  parseSetFlags,
  reportRecords,
  reproductions,
  runExperiment,
  runReproduction,
  runTrace,
  textTable,
  traceProblems,
  tracePlot,
  writePlot,
  fmt,
  type TrialRecord,
} from '../lab/index.js';
import { fmtDuration } from '../lab/util.js';
import { mainJobLrNote, mainJobLrSection, mainJobTable } from '../lab/mainjob.js';
import { resolveMethod } from '../lab/methods.js';
import { describeFailures } from '../lab/failures.js';
import { breakRunLock } from '../lab/lock.js';
import { defaultReproductionDir } from '../lab/reproductions/run.js';
import { ensureDirectory, writeFileAtomic } from '../io/atomic.js';
import { startPlayground, untilStopped } from './playground.js';
import { queueRunner } from '../lab/queue/index.js';
import { runWorkerCommand, runsStatusText } from './worker.js';
import { registerTuneCommand } from './tune.js';

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Progress lines; undefined: stderr, with a progress bar on a terminal. */
  progress?: (s: string) => void;
}

const defaultIO: CliIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got '${v}'`);
    return n;
  };
}

function nonNegativeInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got '${v}'`);
    return n;
  };
}

function intList(name: string) {
  return (v: string): number[] => {
    const parts = v.split(',').map((s) => Number(s.trim()));
    if (parts.length === 0 || parts.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError(`${name} must be comma-separated positive integers, got '${v}'`);
    return parts;
  };
}

function numberList(name: string) {
  return (v: string): number[] => {
    const parts = v.split(',').map((s) => s.trim());
    const nums = parts.map(Number);
    if (parts.some((p) => p === '') || nums.some((n) => !Number.isFinite(n))) throw new InvalidArgumentError(`${name} must be comma-separated numbers, got '${v}'`);
    return nums;
  };
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** Exit status of a command that ran but some of whose trials failed (their errors printed). */
export const EXIT_TRIALS_FAILED = 3;

/** Thrown by a command whose trials partly failed: `lines` say how, the exit status is 3. */
class TrialsFailed extends Error {
  constructor(readonly lines: string[]) {
    super(lines[0]);
  }
}

function failIfTrialsFailed(records: readonly TrialRecord[]): void {
  const lines = describeFailures(records);
  if (lines.length) throw new TrialsFailed(lines);
}

const breakLockOption = (): Option =>
  new Option('--break-lock', "remove the run directory's lock first (when its holder is known to be gone, e.g. it ran on another host)");

/** `--break-lock`: removes `dir`'s lock, saying whose it was. */
function breakLockIfAsked(dir: string, asked: boolean | undefined, io: CliIO): void {
  if (!asked) return;
  const holder = breakRunLock(resolve(dir));
  if (holder) io.err(`descent: broke the lock of ${resolve(dir)} held by pid ${holder.pid} on host ${holder.host} since ${holder.startedAt}\n`);
}

const machineDetailsOption = (): Option =>
  new Option('--machine-details', 'put the hostname and user name into run.json and the report (left out by default: reports get shared)');

const workersOption = (): Option =>
  new Option('-w, --workers <n>', 'worker threads (0 runs trials in the main thread; default: the number of cores)').argParser(nonNegativeInt('--workers'));

export function createProgram(io: CliIO = defaultIO, argv: readonly string[] = []): Command {
  const cmdText = commandLine(argv);
  const program = new Command('descent');
  program
    .description('Train neural networks and compare optimization methods side by side.\n\nWith no command: the main job (an MLP on the built-in Fashion-MNIST subset with SGD, momentum, Nesterov, Adam, AMSGrad and AdaShift, each at its tuned learning rate, several seeds each; a table and an HTML report).')
    .version(descentVersion(), '-V, --version')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(add --help for usage)')
    .allowExcessArguments(false)
    .enablePositionalOptions()
    .exitOverride()
    .option('-o, --out <dir>', 'run directory (re-running into it skips finished trials)', join('runs', 'main'))
    .addOption(new Option('--seeds <n>', 'seeds per optimizer').argParser(positiveInt('--seeds')).default(mainJobDefaults.seeds))
    .addOption(new Option('--epochs <n>', 'training epochs').argParser(positiveInt('--epochs')).default(mainJobDefaults.epochs))
    .addOption(new Option('--hidden <sizes>', 'hidden layer widths, comma-separated').argParser(intList('--hidden')).default(mainJobDefaults.hidden, mainJobDefaults.hidden.join(',')))
    .addOption(new Option('--train-limit <n>', 'use only the first N training examples').argParser(positiveInt('--train-limit')))
    .addOption(workersOption())
    .option('--fresh', 'run every trial again even if the run directory has it')
    .option('-q, --quiet', 'no progress display')
    .addOption(breakLockOption())
    .addOption(machineDetailsOption())
    .action(async (o: { out: string; seeds: number; epochs: number; hidden: number[]; trainLimit?: number; workers?: number; fresh?: boolean; quiet?: boolean; breakLock?: boolean; machineDetails?: boolean }) => {
      breakLockIfAsked(o.out, o.breakLock, io);
      const t0 = performance.now();
      const trials = mainJobTrials({ seeds: o.seeds, epochs: o.epochs, hidden: o.hidden, batchSize: mainJobDefaults.batchSize, trainLimit: o.trainLimit ?? null });
      io.out(`descent ${descentVersion()}: MLP 784-${o.hidden.join('-')}-10 on the built-in Fashion-MNIST subset, ${o.epochs} epoch${o.epochs === 1 ? '' : 's'}, batch 64\n`);
      io.out(`optimizers: sgd, momentum, nesterov, adam, amsgrad, adashift; ${o.seeds} seed${o.seeds === 1 ? '' : 's'} each; backend ${backendInfo().name}\n`);
      io.out(`${mainJobLrNote()}\n`);
      const run = await runExperiment({ name: 'main', kind: 'main', outDir: o.out, trials, command: cmdText, workers: o.workers, fresh: o.fresh, quiet: o.quiet, log: io.progress, machineDetails: o.machineDetails });
      const rep = await reportRecords(run.records, run.store.dir, {
        machineDetails: o.machineDetails,
        title: 'descent: optimizers side by side on Fashion-MNIST',
        subtitle: `MLP 784-${o.hidden.join('-')}-10, ${o.epochs} epochs, batch 64, ${o.seeds} seeds per optimizer, each at its tuned learning rate; mean ± std over seeds.`,
        intro: [mainJobLrSection()],
        command: cmdText,
      });
      io.out(`\n${mainJobTable(run.records)}\n\n`);
      if (run.failed) io.out(`${run.failed} trial(s) failed; see ${rep.reportPath}\n`);
      io.out(`report: ${rep.reportPath}\nplots:  ${join(run.store.dir, 'plots')}\nresults store: ${run.store.trialsPath}\nwall time: ${fmtDuration((performance.now() - t0) / 1000)}\n`);
      failIfTrialsFailed(run.records);
    });

  program
    .command('compare')
    .description('run a declared experiment: tasks x optimizers x hyperparameter grid x seeds, from a JSON or YAML spec file; resumable')
    .argument('<spec>', 'spec file (.json, .yaml or .yml)')
    .option('-o, --out <dir>', 'run directory (default runs/<spec name>); re-running into it skips finished trials')
    .addOption(workersOption())
    .option('--fresh', 'run every trial again')
    .option('-q, --quiet', 'no progress display')
    .option('--dry-run', 'validate the spec and list the trials without running them')
    .addOption(breakLockOption())
    .addOption(machineDetailsOption())
    .option('--queue <url>', 'run the trials on the BullMQ queue of the Redis server at URL (redis://HOST:PORT), served by `descent worker`s; this process collects the results into the store')
    .option('--detach', 'with --queue: only enqueue the trials and print the run; a later compare with --queue collects them')
    .addHelpText(
      'after',
      `
Spec example (YAML):
  name: mlp-adaptive
  tasks:
    - name: mlp
      options: { epochs: 2, dataset: builtin }
  optimizers:
    - sgd
    - name: adam
      grid: { lr: [0.001, 0.003] }
  seeds: 2

Tasks: ${listTasks().map((t) => t.name).join(', ')}`,
    )
    .action(async (specPath: string, o: { out?: string; workers?: number; fresh?: boolean; quiet?: boolean; dryRun?: boolean; breakLock?: boolean; machineDetails?: boolean; queue?: string; detach?: boolean }) => {
      if (o.detach && !o.queue) throw new LabError('--detach needs --queue URL (it leaves the trials on a queue for workers)');
      const spec = loadSpecFile(specPath);
      const trials = expandSpec(spec, specPath);
      if (o.dryRun) {
        io.out(`${specPath}: valid; ${trials.length} trials\n`);
        for (const t of trials) io.out(`  ${t.task} | ${t.method.label} | ${JSON.stringify(t.method.options)} | seed ${t.seed}\n`);
        return;
      }
      const outDir = o.out ?? join('runs', spec.name);
      breakLockIfAsked(outDir, o.breakLock, io);
      const runner = o.queue ? queueRunner(o.queue, { detach: o.detach }) : undefined;
      const run = await runExperiment({ name: spec.name, kind: 'compare', outDir, trials, command: cmdText, spec, workers: o.workers ?? spec.workers, fresh: o.fresh, quiet: o.quiet || o.detach, log: io.progress, machineDetails: o.machineDetails, runner });
      if (o.detach) {
        io.out(`run ${run.store.dir}: ${trials.length - run.skipped} trial(s) enqueued on ${o.queue} (${run.skipped} already done)\nprogress: descent runs status ${run.store.dir}\ncollect:  descent compare ${specPath} --queue ${o.queue}${o.out ? ` -o ${o.out}` : ''}\n`);
        return;
      }
      const rep = await reportRecords(run.records, run.store.dir, { title: `descent compare: ${spec.name}`, subtitle: spec.description, command: cmdText, machineDetails: o.machineDetails });
      io.out(`\n${rep.text}\n\n`);
      if (run.failed) io.out(`${run.failed} trial(s) failed (their errors are in the report and in ${run.store.trialsPath})\n`);
      io.out(`report: ${rep.reportPath}\nresults store: ${run.store.trialsPath}\n`);
      failIfTrialsFailed(run.records);
    });

  // descent tune (src/cli/tune.ts): tuning studies; --queue runs their trials on the Redis queue.
  registerTuneCommand(program, { io, command: cmdText, workersOption, breakLockOption, machineDetailsOption, breakLockIfAsked: (dir, asked) => breakLockIfAsked(dir, asked, io), failIfTrialsFailed, queueRunner: (url) => queueRunner(url) });

  program
    .command('trace')
    .description('run one optimizer on a 2D test function or an online counterexample; plot the trajectory over the contours, or print it as JSON')
    .argument('<problem>', `one of: ${traceProblems.join(', ')}`)
    .option('--optimizer <name>', 'optimizer (any registered name, or momentum, nesterov, amsgrad)', 'sgd')
    .option('--set <key=value>', "optimizer option by its API name (repeatable): numbers, comma-separated lists, true/false, bare text; e.g. --set betas=0.9,0.99 --set amsgrad=true --set phi=max; a wrapper's inner optimizer: --set optimizer=adam --set optimizerOptions.lr=0.01", collect, [])
    .addOption(new Option('--steps <n>', 'steps (default 500 for 2D functions, 100000/20000 for the online problems)').argParser(positiveInt('--steps')))
    .addOption(new Option('--start <x,y>', 'starting point (θ alone for the online problems)').argParser(numberList('--start')))
    .addOption(new Option('--seed <s>', 'random seed (the online problems)').argParser(nonNegativeInt('--seed')).default(0))
    .option('--json', 'print the trajectory as JSON instead of plotting')
    .option('-o, --out <path>', 'output: a file stem or .svg/.png/.json path (default runs/trace/<problem>-<optimizer>)')
    .action(async (problem: string, o: { optimizer: string; set: string[]; steps?: number; start?: number[]; seed: number; json?: boolean; out?: string }) => {
      const options = parseSetFlags(o.set, o.optimizer);
      resolveMethod(o.optimizer);
      const r = runTrace({ problem, optimizer: o.optimizer, options, steps: o.steps, start: o.start, seed: o.seed });
      const payload = { problem: r.problem, optimizer: r.optimizer, options: r.options, iterates: r.iterates };
      if (o.json) {
        const text = JSON.stringify(payload) + '\n';
        if (o.out) {
          ensureDirectory(dirname(resolve(o.out)), 'trace');
          writeFileAtomic(o.out, text, 'trace');
          io.err(`wrote ${o.out}\n`);
        } else io.out(text);
        return;
      }
      const stem = o.out ? o.out.replace(/\.(svg|png|json)$/i, '') : join('runs', 'trace', `${r.problem}-${o.optimizer}`);
      const plot = writePlot(dirname(resolve(stem)), { ...(await tracePlot(r, basename(stem))) });
      writeFileAtomic(`${resolve(stem)}.json`, JSON.stringify(payload) + '\n', 'trace');
      const last = r.iterates[r.iterates.length - 1];
      io.out(`${r.problem} with ${r.optimizer} (${Object.entries(r.options).map(([k, v]) => `${k}=${String(v)}`).join(', ')}): ${r.iterates.length - 1} steps, end (${last.map((v) => fmt(v, 6)).join(', ')}), value ${fmt(r.values[r.values.length - 1], 6)}\n`);
      io.out(`plot: ${plot.files!.svg}\n      ${plot.files!.png}\ntrajectory: ${resolve(stem)}.json\n`);
    });

  program
    .command('reproduce')
    .description('list the built-in reproductions of claims from the source documents, or run one (or all)')
    .argument('[name]', "a reproduction's name, or 'all'")
    .option('--quick', 'a reduced version (what the tests run)')
    .option('-o, --out <dir>', 'run directory (default runs/reproduce/<name>)')
    .addOption(workersOption())
    .option('--fresh', 'run every trial again')
    .option('-q, --quiet', 'no progress display')
    .addOption(breakLockOption())
    .addOption(machineDetailsOption())
    .action(async (name: string | undefined, o: { quick?: boolean; out?: string; workers?: number; fresh?: boolean; quiet?: boolean; breakLock?: boolean; machineDetails?: boolean }) => {
      if (!name) {
        for (const r of reproductions) io.out(`${r.name}\n  ${r.title}\n  source: ${r.source}\n  ${r.summary}\n\n`);
        io.out('run one with: descent reproduce NAME [--quick]\n');
        return;
      }
      const names = name === 'all' ? reproductions.map((r) => r.name) : [getReproduction(name).name];
      if (o.out && names.length > 1) throw new LabError('--out names one run directory; use it with a single reproduction');
      let allHold = true;
      const failures: TrialRecord[] = [];
      for (const n of names) {
        breakLockIfAsked(o.out ?? defaultReproductionDir(n, o.quick ? 'quick' : 'full'), o.breakLock, io);
        const res = await runReproduction(n, { scale: o.quick ? 'quick' : 'full', outDir: o.out, workers: o.workers, fresh: o.fresh, quiet: o.quiet, log: io.progress, machineDetails: o.machineDetails, command: commandLine(names.length > 1 ? ['reproduce', n, ...(o.quick ? ['--quick'] : [])] : argv) });
        io.out(`\n== ${res.reproduction.title}\n`);
        for (const t of res.analysis.tables) io.out(`${t.caption ? `${t.caption}\n` : ''}${textTable(t.headers, t.rows)}\n\n`);
        for (const c of res.analysis.claims) io.out(`${c.holds ? '[holds]        ' : '[does not hold]'} ${c.claim} (${c.detail})\n`);
        allHold &&= res.analysis.claims.every((c) => c.holds);
        failures.push(...res.failures);
        io.out(`report: ${res.reportPath}\nplots:  ${join(res.dir, 'plots')}\n`);
      }
      if (!allHold) io.out('\nsome claims did not hold at this scale; see the reports\n');
      failIfTrialsFailed(failures);
    });

  program
    .command('report')
    .description('write the HTML report (tables and plots) of stored results')
    .argument('<runs...>', 'run directories (or a directory holding several)')
    .option('-o, --out <file>', 'report file (default <run>/report.html, or runs/report.html for several runs)')
    .option('--title <text>', 'report title')
    .addOption(machineDetailsOption())
    .action(async (runs: string[], o: { out?: string; title?: string; machineDetails?: boolean }) => {
      const dirs = runs.flatMap((r) => {
        const found = findRuns(r);
        if (found.length === 0) throw new LabError(`'${r}' is not a run directory and holds none`);
        return found;
      });
      const records = dirs.flatMap((d) => openRun(d).trials());
      if (records.length === 0) throw new LabError(`no finished trials in ${dirs.join(', ')}`);
      const outFile = o.out ?? (dirs.length === 1 ? join(dirs[0], 'report.html') : join('runs', 'report.html'));
      const base = dirname(resolve(outFile));
      const stem = basename(outFile, extname(outFile));
      const rep = await reportRecords(records, base, { title: o.title ?? `descent report: ${dirs.map((d) => basename(d)).join(', ')}`, command: cmdText, runDirs: dirs, reportPath: outFile, plotsDir: join(base, stem === 'report' ? 'plots' : `${stem}-plots`), machineDetails: o.machineDetails });
      io.out(`${rep.text}\n\nreport: ${rep.reportPath}\n`);
    });

  const runsCmd = program.command('runs').description('query the results store');
  runsCmd
    .command('list')
    .description('list run directories with their trial counts')
    .argument('[root]', 'where runs live', 'runs')
    .action((root: string) => {
      const dirs = [...new Set([...findRuns(root), ...(existsSync(join(root, 'reproduce')) ? findRuns(join(root, 'reproduce')) : [])])];
      if (dirs.length === 0) {
        io.out(`no runs under ${root}\n`);
        return;
      }
      const rows = dirs.map((d) => {
        const s = openRun(d);
        const info = s.info();
        const t = s.trials();
        return [d, info?.kind ?? '-', String(t.filter((r) => r.status === 'done').length), String(t.filter((r) => r.status !== 'done').length), String(info?.trials ?? '-'), (info?.updatedAt ?? info?.createdAt ?? '-').replace('T', ' ').slice(0, 19)];
      });
      io.out(textTable(['run', 'kind', 'done', 'failed', 'declared', 'updated'], rows) + '\n');
    });
  // descent runs status (issue 18: the queue)
  runsCmd
    .command('status')
    .description("a run's progress: done and failed trials in its store, and, when its trials went to a queue, that queue's active, waiting and failed jobs")
    .argument('<run>', 'run directory')
    .action(async (dir: string) => {
      io.out(await runsStatusText(dir));
    });
  runsCmd
    .command('show')
    .description('show the trials of a run (configuration and final figures), or one trial in full')
    .argument('<run>', 'run directory')
    .option('--trial <id>', 'print one trial record (id prefix) as JSON')
    .option('--json', 'print every record as JSON lines')
    .action((dir: string, o: { trial?: string; json?: boolean }) => {
      const s = openRun(dir);
      const trials = s.trials();
      if (o.trial) {
        const hit = trials.filter((r) => r.id.startsWith(o.trial!));
        if (hit.length !== 1) throw new LabError(hit.length ? `trial id prefix '${o.trial}' is ambiguous` : `no trial '${o.trial}' in ${dir}`);
        io.out(JSON.stringify(hit[0], null, 2) + '\n');
        return;
      }
      if (o.json) {
        for (const r of trials) io.out(JSON.stringify(r) + '\n');
        return;
      }
      const info = s.info();
      if (info) io.out(`${info.name} (${info.kind}), created ${info.createdAt}\ncommand: ${info.command}\n\n`);
      const rows = trials.map((r) => [
        r.id.slice(0, 10),
        r.config.task,
        r.config.method.label,
        String(r.config.seed),
        r.status,
        r.status === 'done' ? Object.entries(r.final).slice(0, 3).map(([k, v]) => `${k}=${fmt(v as number)}`).join(' ') : (r.error ?? '').slice(0, 60),
        fmt(r.seconds, 3),
      ]);
      io.out(textTable(['id', 'task', 'method', 'seed', 'status', 'final', 'seconds'], rows) + '\n');
    });

  // descent worker (issue 18: the queue)
  program
    .command('worker')
    .description('serve the descent queues on a Redis server: run their trials (in worker threads) for the coordinators of `descent compare --queue`; SIGTERM finishes the running trials and stops')
    .requiredOption('--queue <url>', 'the Redis server, redis://HOST:PORT')
    .addOption(new Option('--concurrency <n>', 'trials at a time (worker threads, one BLAS thread each)').argParser(positiveInt('--concurrency')).default(1))
    .addOption(new Option('--lock-duration <ms>', "a job's lock, renewed while it runs; a killed worker's trials are retried once it expires").argParser(positiveInt('--lock-duration')).default(30000))
    .addOption(new Option('--stalled-interval <ms>', 'how often to look for stalled jobs (expired locks)').argParser(positiveInt('--stalled-interval')).default(15000))
    .option('--until-empty', 'stop once every queue is empty (for batch jobs: a Kubernetes Job, a Slurm array)')
    .action(async (o: { queue: string; concurrency: number; lockDuration: number; stalledInterval: number; untilEmpty?: boolean }) => {
      await runWorkerCommand(o, (line) => io.err(`${line}\n`));
    });

  program
    .command('info')
    .description('version, backend, machine')
    .option('--json', 'as JSON')
    .action((o: { json?: boolean }) => {
      const m = machineInfo({ details: true });
      const b = backendInfo();
      const extra = { backends: listBackends().map((x) => x.name), fashionMnistFull: fullDataAvailable(), optimizers: listMethods().length, tasks: listTasks().length };
      if (o.json) {
        io.out(JSON.stringify({ ...m, backendName: b.name, backendDetail: b.detail, ...extra }, null, 2) + '\n');
        return;
      }
      const libs = m.libraries as Record<string, string>;
      io.out(
        [
          `descent ${m.descent}`,
          `backend:   ${b.name}${b.detail ? ` (${b.detail})` : ''}; registered: ${extra.backends.join(', ')}`,
          `node:      ${m.node} (V8 ${m.v8})`,
          `os:        ${m.os}`,
          `cpu:       ${m.cpu}, ${m.cores} cores`,
          `memory:    ${m.memoryGiB} GiB`,
          `data:      built-in Fashion-MNIST subset; full Fashion-MNIST ${extra.fashionMnistFull ? 'found' : 'not found'}`,
          `lab:       ${extra.tasks} tasks, ${extra.optimizers} optimizers`,
          `libraries: ${Object.entries(libs).map(([k, v]) => `${k} ${v}`).join(', ')}`,
        ].join('\n') + '\n',
      );
    });

  // descent playground (issue 17): the browser playground, built if needed, served on 127.0.0.1.
  program
    .command('playground')
    .description('serve the browser playground (optimizer race, counterexample, ...) on 127.0.0.1; builds it first in a source checkout if playground/dist is missing or stale')
    .addOption(new Option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)').argParser(nonNegativeInt('--port')).default(5183))
    .option('--no-open', 'do not open a browser')
    .action(async (o: { port: number; open: boolean }) => {
      const server = await startPlayground({ port: o.port, open: o.open, log: io.err });
      await untilStopped();
      await server.close();
    });

  program
    .command('list')
    .description('list tasks, optimizers, trace problems or reproductions')
    .argument('[what]', 'tasks | optimizers | problems | reproductions', 'all')
    .action((what: string) => {
      const sections: Record<string, () => string> = {
        tasks: () => listTasks().map((t) => `  ${t.name.padEnd(18)} ${t.title}`).join('\n'),
        optimizers: () =>
          listMethods()
            .map((n) => {
              let doc = '';
              try {
                doc = describeOptimizer(n).doc;
              } catch {
                doc = `preset: ${JSON.stringify(resolveMethod(n))}`;
              }
              return `  ${n.padEnd(18)} ${doc}`;
            })
            .join('\n'),
        problems: () => traceProblems.map((p) => `  ${p}`).join('\n'),
        reproductions: () => reproductions.map((r) => `  ${r.name.padEnd(22)} ${r.title}`).join('\n'),
      };
      const keys = what === 'all' ? Object.keys(sections) : [what];
      for (const k of keys) {
        const f = sections[k];
        if (!f) throw new LabError(`list: unknown '${what}'; choose tasks, optimizers, problems or reproductions`);
        io.out(`${k}:\n${f()}\n\n`);
      }
    });

  return program;
}

/** Parses and runs one command line (without the program name); returns the exit status. */
export async function runCli(argv: readonly string[], io: CliIO = defaultIO): Promise<number> {
  const program = createProgram(io, argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof TrialsFailed) {
      io.err(err.lines.map((l) => `descent: ${l}\n`).join(''));
      return EXIT_TRIALS_FAILED;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.err(`descent: error: ${message}\n`);
    if (process.env.DESCENT_DEBUG && err instanceof Error && err.stack) io.err(`${err.stack}\n`);
    return 1;
  }
}
