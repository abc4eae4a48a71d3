/**
 * The lottery ticket hypothesis (Frankle and Carbin 2019, cited by surveys 000 and 002):
 * iterative magnitude pruning with rewinding to the original initialization finds a sparse
 * subnetwork that trains to the dense network's accuracy, while the same mask with a fresh
 * random initialization does not.
 *
 * `lottery-ticket`: an MLP on the built-in Fashion-MNIST subset. Each trial trains the dense
 * network, then for each round prunes `rate` of the surviving weights of each layer by
 * magnitude (the trained weights), rewinds the survivors to their values at initialization and
 * trains again (the ticket); the same mask on a freshly initialized network of the same shape
 * is trained beside it (the control). The task is `lottery-ticket`.
 *
 * Claims: at the final density the ticket's test accuracy is within 1 point of the dense
 * network's (or above it), and above the re-initialized control's.
 */
import { z } from 'zod';
import { Generator } from '../../../tensor/index.js';
import { createOptimizer } from '../../../optim/index.js';
import { applyMask, magnitudePrune, maskDensity, maskOptimizer, rewindWeights, snapshotWeights, type PruningMask } from '../../../regularize/pruning.js';
import { buildMLP, evaluateModel } from '../../../regularize/train.js';
import { fit as trainLoop } from '../../../train/portable.js';
import type { Module } from '../../../nn/index.js';
import { hiddenOption } from './common.js';
import { progress, slice, subset } from './data.js';
import { analysisOf, type Claim, curvesChart, fmt, mean, optionsSchema, PlotSink, type Reproduction, resolveMethod, type Scale, type TaskDef, type TaskHooks, type TrialConfig, type TrialOutput } from '../kit.js';

// ---- the task --------------------------------------------------------------------------------

export interface LotteryTicketOptions {
  trainLimit: number;
  testLimit: number;
  hidden: number[];
  epochs: number;
  batchSize: number;
  /** Pruning rounds after the dense run. */
  rounds: number;
  /** The fraction of each layer's surviving weights pruned per round. */
  rate: number;
}

/** The same mask carried over to another model of the same architecture (parameters in the same order). */
function transferMask(mask: PruningMask, from: Module, to: Module): PruningMask {
  const src = from.parameters();
  const dst = to.parameters();
  const out: PruningMask = new Map();
  src.forEach((p, i) => {
    const keep = mask.get(p);
    if (keep) out.set(dst[i], keep);
  });
  return out;
}

export function runLotteryTicket(config: TrialConfig, o: LotteryTicketOptions, hooks: TaskHooks = {}): TrialOutput {
  const { train: pool, test: testPool } = subset();
  const train = slice(pool, 0, o.trainLimit);
  const test = slice(testPool, 0, o.testLimit);
  const build = (seed: number) => buildMLP({ inputs: 784, hidden: o.hidden, outputs: 10, flatten: true, generator: new Generator(seed) });
  const report = progress(hooks);
  const total = 1 + 2 * o.rounds;
  let done = 0;
  /** Trains `model` (under `mask` when given) with the trial's method and seed; returns its test accuracy. */
  const trainAndTest = (model: Module, mask: PruningMask | null): number => {
    const opt = createOptimizer(config.method.optimizer, model.parameters(), config.method.options);
    const release = mask ? maskOptimizer(opt, mask) : null;
    trainLoop(model, train, { optimizer: opt, epochs: o.epochs, batchSize: o.batchSize, shuffle: true, seed: config.seed });
    release?.();
    report(++done / total, `${done}/${total} trainings`);
    return evaluateModel(model, test, 'classification').accuracy;
  };
  const ticket = build(config.seed);
  const init = snapshotWeights(ticket);
  const columns: Record<string, number[]> = { round: [0], density: [1], ticket: [trainAndTest(ticket, null)], random: [NaN] };
  let mask: PruningMask | undefined;
  for (let r = 1; r <= o.rounds; r++) {
    // Prune the trained weights, then rewind the survivors to θ_0 (the ticket).
    mask = magnitudePrune(ticket, { amount: o.rate, scope: 'layer', mask });
    rewindWeights(init, mask);
    const ticketAcc = trainAndTest(ticket, mask);
    // The control: the same mask on a network initialized afresh.
    const fresh = build(config.seed + 7919 * r);
    const freshMask = transferMask(mask, ticket, fresh);
    applyMask(freshMask);
    const randomAcc = trainAndTest(fresh, freshMask);
    columns.round.push(r);
    columns.density.push(maskDensity(mask));
    columns.ticket.push(ticketAcc);
    columns.random.push(randomAcc);
  }
  const last = columns.round.length - 1;
  return {
    epochs: columns,
    final: { dense: columns.ticket[0], ticket: columns.ticket[last], random: last > 0 ? columns.random[last] : null, density: columns.density[last] },
  };
}

/** The task `lottery-ticket`. */
export const lotteryTicketTask: TaskDef = {
  name: 'lottery-ticket',
  title: 'Iterative magnitude pruning with rewinding (the lottery ticket) against the same mask re-initialized',
  description: 'MLP (default 784-300-100-10, ReLU) on the built-in Fashion-MNIST subset; per round, prune `rate` of each layer\'s surviving weights by magnitude, rewind to θ_0 and retrain; the control trains the same mask from a fresh initialization',
  schema: optionsSchema({
    trainLimit: z.number().int().positive().default(6000),
    testLimit: z.number().int().positive().default(1000),
    hidden: hiddenOption([300, 100]),
    epochs: z.number().int().positive().default(10),
    batchSize: z.number().int().positive().default(60),
    rounds: z.number().int().min(0).default(8),
    rate: z.number().gt(0).lt(1).default(0.2),
  }),
  primary: { metric: 'ticket', goal: 'max' },
  defaultLr: () => 1.2e-3,
  run: (config, options, hooks) => runLotteryTicket(config, options as unknown as LotteryTicketOptions, hooks),
};

// ---- the reproduction ------------------------------------------------------------------------

/** The task options and seeds at each scale (Adam, lr 1.2e-3, as the paper's LeNet-300-100). */
export function lotterySettings(scale: Scale): LotteryTicketOptions & { seeds: number } {
  return scale === 'full'
    ? { trainLimit: 6000, testLimit: 1000, hidden: [300, 100], epochs: 10, batchSize: 60, rounds: 8, rate: 0.2, seeds: 2 }
    : { trainLimit: 1000, testLimit: 500, hidden: [100], epochs: 4, batchSize: 50, rounds: 2, rate: 0.6, seeds: 1 };
}

export const lotteryTicket: Reproduction = {
  name: 'lottery-ticket',
  title: 'The lottery ticket: a sparse subnetwork rewound to its initialization trains to the dense accuracy; re-initialized it does not',
  source: 'Frankle and Carbin 2019 (ICLR), cited by survey 000 and survey 002; pruning as in Han et al. 2015',
  summary: 'Iterative magnitude pruning with rewinding to θ_0 on an MLP on Fashion-MNIST, against the same masks with a fresh random initialization.',
  trials(scale) {
    const { seeds, ...taskOptions } = lotterySettings(scale);
    const method = resolveMethod('adam', { lr: 1.2e-3 }, 'Adam');
    return Array.from({ length: seeds }, (_, seed) => ({ task: 'lottery-ticket', taskOptions: { ...taskOptions }, method, seed }));
  },
  async analyze(records, plotDir, scale) {
    const s = lotterySettings(scale);
    const runs = records.filter((r) => r.status === 'done' && r.epochs);
    const sink = new PlotSink(plotDir);
    const claims: Claim[] = [];
    const figures: Record<string, number | null> = {};
    if (runs.length === 0) return analysisOf([{ title: 'Lottery ticket', text: ['No finished trials.'], claims }], figures);
    const col = (name: string): number[][] => runs.map((r) => r.epochs![name]);
    const avg = (name: string): number[] => col(name)[0].map((_, i) => mean(col(name).map((c) => c[i])));
    const density = avg('density');
    const ticket = avg('ticket');
    const random = avg('random');
    const pct = density.map((d) => 100 * d);
    await sink.add(curvesChart(
      [{ label: 'ticket (rewound to θ_0)', x: pct, mean: ticket }, { label: 'same mask, fresh init', x: pct.slice(1), mean: random.slice(1) }],
      { name: 'accuracy-vs-density', title: 'Test accuracy against the weights kept', xTitle: 'weights kept (%)', yTitle: 'test accuracy', logX: true, rule: { y: ticket[0], label: 'dense' } },
    ));
    const rows = density.map((d, i) => [String(i), `${fmt(100 * d, 3)} %`, `${fmt(100 * ticket[i], 3)} %`, i === 0 ? '-' : `${fmt(100 * random[i], 3)} %`]);
    const last = density.length - 1;
    figures.dense = ticket[0];
    figures.ticket = ticket[last];
    figures.random = last > 0 ? random[last] : null;
    figures.density = density[last];
    if (last > 0) {
      claims.push({
        claim: `At ${fmt(100 * density[last], 3)} % of the weights the ticket trains to the dense accuracy (within 1 point)`,
        holds: ticket[last] >= ticket[0] - 0.01,
        detail: `ticket ${fmt(100 * ticket[last], 4)} % vs dense ${fmt(100 * ticket[0], 4)} %`,
      });
      claims.push({
        claim: 'The same mask with a fresh initialization trains to a lower accuracy than the ticket',
        holds: random[last] < ticket[last],
        detail: `fresh init ${fmt(100 * random[last], 4)} % vs ticket ${fmt(100 * ticket[last], 4)} %`,
      });
    }
    return analysisOf([{
      title: `MLP ${[784, ...s.hidden, 10].join('-')} on ${s.trainLimit} Fashion-MNIST images`,
      text: [
        `Adam (lr 1.2e-3), batches of ${s.batchSize}, ${s.epochs} epochs per training, ${runs.length} seed(s). Each round prunes ${100 * s.rate} % of each layer's surviving weights (biases are kept) by the magnitude of the trained weights, then rewinds the survivors to θ_0; the control is the same mask on a fresh initialization.`,
      ],
      claims,
      tables: [{ headers: ['round', 'weights kept', 'ticket accuracy', 'fresh-init accuracy'], rows, caption: 'test accuracy, mean over seeds' }],
      plots: sink.plots,
    }], figures);
  },
};
