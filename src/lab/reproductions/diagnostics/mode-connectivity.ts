/**
 * Mode connectivity (Garipov et al. 2018; Draxler et al. 2018), as the theory overview (seed 002)
 * and survey 000 recount it: two networks trained from different initializations sit at the
 * ends of a straight line whose middle has a high loss (a barrier), yet a curve with one
 * trained bend joins them at almost constant low loss.
 */
import { z } from 'zod';
import { flattenParams, linePath, type Path, pathProfile, trainPath } from '../../../diagnostics/index.js';
import { crossEntropy } from '../../../nn/index.js';
import { slice } from '../regularize/data.js';
import { buildNet, datasetOption, fmnist, lossObjective, train } from './common.js';
import { analysisOf, type Claim, curvesChart, fmt, groupTrials, mean, optionsSchema, PlotSink, type Reproduction, resolveMethod, type Scale, type Series, type TaskDef, type TrialConfig, type TrialOutput } from '../kit.js';

export interface ModeConnectivityOptions {
  dataset: 'auto' | 'builtin' | 'full';
  trainLimit: number;
  width: number;
  epochs: number;
  batchSize: number;
  /** Training examples the path losses are measured on. */
  evalLimit: number;
  kind: 'bezier' | 'polygonal';
  curveSteps: number;
  curveLr: number;
  points: number;
}

/** One trial: two networks (seeds s and s + 1000), the line between them and a trained curve. */
export function runModeConnectivity(config: TrialConfig, o: ModeConnectivityOptions): TrialOutput {
  const data = fmnist(o.dataset, o.trainLimit, 100);
  const net = (seed: number) => buildNet({ width: o.width, depth: 1, residual: false, activation: 'relu', seed });
  const a = net(config.seed);
  const b = net(config.seed + 1000);
  train(a, data.train, config.method, { epochs: o.epochs, batchSize: o.batchSize, seed: config.seed });
  train(b, data.train, config.method, { epochs: o.epochs, batchSize: o.batchSize, seed: config.seed + 1000 });
  const params = a.parameters();
  const from = flattenParams(params);
  const to = flattenParams(b.parameters());
  const evalObjective = lossObjective(a, slice(data.train, 0, o.evalLimit));
  const line = pathProfile(evalObjective, params, linePath(from, to), o.points);
  // The curve trains on mini-batches: the objective reads the current batch, moved on each step.
  const n = data.train.x.shape[0];
  const perEpoch = Math.floor(n / o.batchSize);
  let batch = slice(data.train, 0, o.batchSize);
  const curve: Path = trainPath(() => crossEntropy(a.forward(batch.x), batch.y), params, from, to, {
    kind: o.kind, steps: o.curveSteps, optimizer: 'adam', optimizerOptions: { lr: o.curveLr }, seed: config.seed,
    onStep: (s) => {
      const k = s % perEpoch;
      batch = slice(data.train, k * o.batchSize, (k + 1) * o.batchSize);
    },
  });
  const bent = pathProfile(evalObjective, params, curve, o.points);
  return {
    steps: { t: line.t, lineLoss: line.loss, curveLoss: bent.loss },
    final: { lineBarrier: line.barrier, curveBarrier: bent.barrier, endLossA: line.loss[0], endLossB: line.loss[line.loss.length - 1], lineMaxLoss: Math.max(...line.loss), curveMaxLoss: Math.max(...bent.loss) },
    extra: { data: data.source },
  };
}

/** The task `mode-connectivity`. */
export const modeConnectivityTask: TaskDef = {
  name: 'mode-connectivity',
  title: 'Mode connectivity: the straight line and a trained curve between two trained networks',
  description: 'Two 784-w-w-10 ReLU MLPs from different seeds on Fashion-MNIST; training loss along the line between them and along a trained Bezier or polygonal curve, with each path\'s barrier',
  schema: optionsSchema({
    dataset: datasetOption,
    trainLimit: z.number().int().positive().default(1000),
    width: z.number().int().positive().default(64),
    epochs: z.number().int().positive().default(10),
    batchSize: z.number().int().positive().default(32),
    evalLimit: z.number().int().positive().default(1000),
    kind: z.enum(['bezier', 'polygonal']).default('bezier'),
    curveSteps: z.number().int().positive().default(600),
    curveLr: z.number().positive().default(1e-3),
    points: z.number().int().min(3).default(21),
  }),
  primary: { metric: 'curveBarrier', goal: 'min' },
  defaultLr: () => 1e-3,
  run: (config, options) => runModeConnectivity(config, options as unknown as ModeConnectivityOptions),
};

/** The task options and seeds at each scale. */
export function modeSettings(scale: Scale): { taskOptions: Record<string, number | string>; seeds: number } {
  return scale === 'full'
    ? { taskOptions: { dataset: 'builtin', trainLimit: 6000, width: 128, epochs: 10, evalLimit: 2000, curveSteps: 3000 }, seeds: 2 }
    : { taskOptions: { dataset: 'builtin', trainLimit: 1000, width: 64, epochs: 10, evalLimit: 1000, curveSteps: 600 }, seeds: 1 };
}

/** The reproduction, with the claims of the header above. */
export const modeConnectivity: Reproduction = {
  name: 'mode-connectivity',
  title: 'Two trained networks are joined by a low-loss curve, not by the straight line (Garipov et al. 2018; Draxler et al. 2018)',
  source: 'theory overview (seed 002) and survey 000 on the landscape: mode connectivity',
  summary: 'Training loss along the line between two independently trained MLPs and along trained Bezier and polygonal curves; the line has a barrier, the curves almost none.',
  trials(scale) {
    const s = modeSettings(scale);
    const method = resolveMethod('adam', { lr: 1e-3 }, 'Adam');
    const out: TrialConfig[] = [];
    for (const kind of ['bezier', 'polygonal']) for (let seed = 0; seed < s.seeds; seed++) out.push({ task: 'mode-connectivity', taskOptions: { ...s.taskOptions, kind }, method, seed, tags: { kind } });
    return out;
  },
  async analyze(records, plotDir) {
    const sink = new PlotSink(plotDir);
    const groups = groupTrials(records);
    const claims: Claim[] = [];
    const figures: Record<string, number | null> = {};
    const rows: string[][] = [];
    const series: Series[] = [];
    for (const g of groups) {
      const kind = String(g.records[0].config.tags?.kind);
      const m = (k: string) => mean(g.records.map((r) => r.final[k] as number));
      rows.push([kind, fmt(m('endLossA')), fmt(m('endLossB')), fmt(m('lineMaxLoss')), fmt(m('lineBarrier')), fmt(m('curveMaxLoss')), fmt(m('curveBarrier'))]);
      const s = g.records[0].steps!;
      if (series.length === 0) series.push({ label: 'straight line', x: s.t, mean: s.lineLoss });
      series.push({ label: `trained ${kind}`, x: s.t, mean: s.curveLoss });
      claims.push({ claim: 'The straight line between the two solutions crosses a loss barrier (above 0.1 nats over the chord)', holds: m('lineBarrier') > 0.1, detail: `barrier ${fmt(m('lineBarrier'))}, loss ${fmt(m('lineMaxLoss'))} at its worst against ${fmt(m('endLossA'))} and ${fmt(m('endLossB'))} at the ends` });
      claims.push({ claim: `A trained ${kind} curve joins them with almost no barrier (under a fifth of the line's)`, holds: m('curveBarrier') < m('lineBarrier') / 5, detail: `curve barrier ${fmt(m('curveBarrier'))} vs line ${fmt(m('lineBarrier'))}` });
      Object.assign(figures, { lineBarrier: m('lineBarrier'), [`${kind}Barrier`]: m('curveBarrier') });
    }
    if (series.length) await sink.add(curvesChart(series, { name: 'path-loss', title: 'Training loss along the paths between two trained networks', xTitle: 't', yTitle: 'training loss' }));
    return analysisOf([{ title: 'Mode connectivity', text: ['Both networks: Adam, lr 1e-3, the same data in different orders from different initializations. The curve\'s bend starts at the line\'s midpoint and is trained with Adam on mini-batches, t ~ U(0, 1) each step (Garipov et al.). Barrier: the largest rise of the loss above the chord between the end points\' losses.'], claims, tables: [{ headers: ['curve', 'loss at θ_a', 'loss at θ_b', 'line: max loss', 'line: barrier', 'curve: max loss', 'curve: barrier'], rows }], plots: sink.plots }], figures);
  },
};
