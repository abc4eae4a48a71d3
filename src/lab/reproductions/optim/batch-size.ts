/**
 * Batch vs mini-batch vs stochastic gradient descent (course notes 003 §1): the same plain SGD
 * step on logistic regression with the whole training set per step (batch), 64 examples
 * (mini-batch) and one example (stochastic). The training loss on the whole training set is
 * measured after every epoch, against epochs and against training seconds.
 *
 * Claims from the notes: per epoch, mini-batch and stochastic updates lower the loss more than
 * batch gradient descent (more updates per pass); single-example updates are the noisiest
 * (the loss oscillates); per second, mini-batches use the hardware better (an epoch takes less
 * time than with single examples), and at equal time mini-batch is ahead of batch descent.
 */
import { analysisOf, type Claim, curves, curvesChart, fmt, formattedTable, type Group, groupTrials, mean, type Plot, PlotSink, type Reproduction, resolveMethod, type Scale, type TrialConfig } from '../kit.js';

export function batchSettings(scale: Scale): { epochs: number; trainLimit: number | null; seeds: number; lr: number } {
  return scale === 'full' ? { epochs: 5, trainLimit: null, seeds: 2, lr: 0.05 } : { epochs: 2, trainLimit: 1000, seeds: 1, lr: 0.05 };
}

const VARIANTS = [
  { kind: 'batch', batchSize: 'full' as const, label: 'batch GD (whole set)' },
  { kind: 'mini-batch', batchSize: 64, label: 'mini-batch (B = 64)' },
  { kind: 'stochastic', batchSize: 1, label: 'stochastic (B = 1)' },
];

function lossAtTime(g: Group, t: number): number {
  // Full-train loss at the last epoch finished by time t (mean over seeds).
  return mean(
    g.records.map((r) => {
      const e = r.epochs!;
      let v = e.fullTrainLoss[0];
      for (let i = 0; i < e.time.length; i++) if (e.time[i] <= t) v = e.fullTrainLoss[i];
      return v;
    }),
  );
}

export const batchSize: Reproduction = {
  name: 'batch-size',
  title: 'Batch vs mini-batch vs stochastic gradient descent (course notes 003)',
  source: 'course notes 003 §1.1-1.3',
  summary: 'Logistic regression with plain SGD at batch sizes N, 64 and 1: full training loss per epoch and per second.',
  trials(scale) {
    const s = batchSettings(scale);
    const out: TrialConfig[] = [];
    for (const v of VARIANTS) {
      const method = resolveMethod('sgd', { lr: s.lr }, v.label);
      for (let seed = 0; seed < s.seeds; seed++) {
        out.push({ task: 'logistic', taskOptions: { dataset: 'builtin', trainLimit: s.trainLimit, testLimit: 500, epochs: s.epochs, batchSize: v.batchSize, evalTrain: true, logPoints: 50 }, method, seed, tags: { kind: v.kind } });
      }
    }
    return out;
  },
  async analyze(records, plotDir) {
    const groups = groupTrials(records);
    const by = (kind: string): Group | undefined => groups.find((g) => g.records[0].config.tags?.kind === kind);
    const sink = new PlotSink(plotDir);
    await sink.add(curvesChart(curves(groups, 'epochs', 'epoch', 'fullTrainLoss'), { name: 'loss-per-epoch', title: 'Training loss (whole training set) per epoch', xTitle: 'epoch', yTitle: 'training loss', logY: true }));
    await sink.add(curvesChart(curves(groups, 'epochs', 'time', 'fullTrainLoss'), { name: 'loss-per-second', title: 'Training loss (whole training set) against training time', xTitle: 'training seconds', yTitle: 'training loss', logY: true }));
    await sink.add(curvesChart(curves(groups.filter((g) => g.records[0].config.tags?.kind !== 'batch'), 'steps', 'step', 'loss'), { name: 'minibatch-loss-per-step', title: 'Loss of the batches seen, per update (averaged over logging windows)', xTitle: 'update', yTitle: 'batch loss', logY: true, logX: true }));
    const rows = groups.map((g) => {
      const r0 = g.records[0];
      const e = r0.epochs!;
      const n = (r0.final.steps as number) / (e.epoch.length - 1);
      const secs = mean(g.records.map((r) => r.final.trainSeconds as number));
      const epochs = e.epoch.length - 1;
      return [
        g.label,
        n,
        g.records.map((r) => r.epochs!.fullTrainLoss[1]),
        g.records.map((r) => r.final.fullTrainLoss as number),
        secs / epochs,
        g.records.map((r) => 100 * (r.final.testAccuracy as number)),
      ];
    });
    const table = formattedTable(['variant', 'updates per epoch', 'loss after epoch 1', 'final loss', 'time per epoch (s)', 'test accuracy (%)'], rows, { digits: { 4: 3 }, caption: 'mean ± std over seeds (time: the mean)' });
    const [b, mb, s] = [by('batch'), by('mini-batch'), by('stochastic')];
    const claims: Claim[] = [];
    const figures: Record<string, number | null> = {};
    if (b && mb && s) {
      const l1 = (g: Group): number => mean(g.records.map((r) => r.epochs!.fullTrainLoss[1]));
      const secPerEpoch = (g: Group): number => mean(g.records.map((r) => (r.final.trainSeconds as number) / (r.epochs!.epoch.length - 1)));
      // The loss going back up from one epoch to the next: how much a variant oscillates.
      const rises = (g: Group): number =>
        mean(
          g.records.map((r) => {
            const l = r.epochs!.fullTrainLoss;
            let up = 0;
            for (let i = 1; i < l.length; i++) up += Math.max(0, l[i] - l[i - 1]);
            return up;
          }),
        );
      claims.push({ claim: 'Per epoch, mini-batch and stochastic updates lower the loss more than batch gradient descent (more updates per pass over the data)', holds: l1(s) < l1(b) && l1(mb) < l1(b), detail: `after epoch 1: stochastic ${fmt(l1(s))}, mini-batch ${fmt(l1(mb))}, batch ${fmt(l1(b))}` });
      claims.push({ claim: 'Stochastic updates are the noisiest: the loss goes back up between epochs more than with mini-batches', holds: rises(s) > rises(mb), detail: `total rise ${fmt(rises(s))} vs ${fmt(rises(mb))}` });
      claims.push({ claim: 'Mini-batches use the hardware better: an epoch of mini-batches takes less time than an epoch of single examples', holds: secPerEpoch(mb) < secPerEpoch(s), detail: `${fmt(secPerEpoch(mb), 3)} s vs ${fmt(secPerEpoch(s), 3)} s per epoch` });
      const tBatch = mean(b.records.map((r) => r.final.trainSeconds as number));
      claims.push({ claim: 'At equal training time (what batch GD used), mini-batch has the lower loss', holds: lossAtTime(mb, tBatch) < lossAtTime(b, tBatch), detail: `at ${fmt(tBatch, 3)} s: ${fmt(lossAtTime(mb, tBatch))} vs ${fmt(lossAtTime(b, tBatch))}` });
      Object.assign(figures, { lossEpoch1Batch: l1(b), lossEpoch1MiniBatch: l1(mb), lossEpoch1Stochastic: l1(s), secPerEpochMiniBatch: secPerEpoch(mb), secPerEpochStochastic: secPerEpoch(s) });
    }
    return analysisOf([{ title: 'Batch, mini-batch and stochastic gradient descent', text: ['Plain SGD (no momentum), the same learning rate for all three; logistic regression on the built-in Fashion-MNIST subset; the loss is measured on the whole training set after every epoch.'], claims, tables: [table], plots: sink.plots }], figures);
  },
};
