/**
 * Thesis 004 §3.5.2 (figures 3-2 and 3-3, hyperparameters of tables 3-5 and 3-6): logistic
 * regression and an MLP with two hidden layers of 256 units, trained with SGD, Adam, AMSGrad,
 * non-AdaShift (no spatial function) and max-AdaShift (φ = max), each both as algorithm 3-2 is
 * printed and as the authors' code runs it (`zeroVSafeguard`). The thesis used MNIST; descent
 * uses Fashion-MNIST (the full set when present, the built-in subset otherwise).
 *
 * Claims: on logistic regression the methods end close in training loss and test accuracy; on
 * the MLP max-AdaShift reaches a lower training loss than non-AdaShift.
 */
import { analysisOf, barChart, type Claim, curves, curvesChart, finalStats, fmt, formattedTable, groupTrials, type Method, type Plot, PlotSink, type Reproduction, resolveMethod, type Scale, type Table, type TrialConfig } from '../kit.js';

/** The label of non-AdaShift as the authors' code runs it (`zeroVSafeguard`). */
export const AUTHORS_NON = 'non-AdaShift (authors)';

/**
 * Table 3-5 (logistic regression) and table 3-6 (MLP): lr, β1 = 0, β2 = 0.999, n = 1. Both
 * AdaShift variants run as algorithm 3-2 is printed and as the authors' code runs it.
 */
export function thesisMethods(model: 'logistic' | 'mlp'): Method[] {
  const lr = model === 'logistic' ? { sgd: 0.1, adam: 0.001, ams: 0.001, non: 0.001, max: 0.01 } : { sgd: 0.001, adam: 0.001, ams: 0.001, non: 0.0005, max: 0.01 };
  const betas = [0, 0.999];
  return [
    resolveMethod('sgd', { lr: lr.sgd }, 'SGD'),
    resolveMethod('adam', { lr: lr.adam, betas }, 'Adam'),
    resolveMethod('amsgrad', { lr: lr.ams, betas }, 'AMSGrad'),
    resolveMethod('adashift', { lr: lr.non, betas, keepNum: 1, phi: 'none' }, 'non-AdaShift'),
    resolveMethod('adashift', { lr: lr.max, betas, keepNum: 1, phi: 'max' }, 'max-AdaShift'),
    // The authors' code (zeroVSafeguard), which the thesis's runs used: no ε path (lr·g/ε where
    // v is still 0). Added after the printed variants, whose stored trials keep their ids.
    resolveMethod('adashift', { lr: lr.non, betas, keepNum: 1, phi: 'none', zeroVSafeguard: true }, AUTHORS_NON),
    resolveMethod('adashift', { lr: lr.max, betas, keepNum: 1, phi: 'max', zeroVSafeguard: true }, 'max-AdaShift (authors)'),
  ];
}

export function mnistSettings(scale: Scale): { epochs: number; seeds: number; trainLimit: number | null; testLimit: number | null; dataset: 'auto' | 'builtin'; batchSize: number } {
  return scale === 'full'
    ? { epochs: 5, seeds: 2, trainLimit: 12000, testLimit: 5000, dataset: 'auto', batchSize: 64 }
    : { epochs: 2, seeds: 1, trainLimit: 1500, testLimit: 500, dataset: 'builtin', batchSize: 64 };
}

export const adashiftMnist: Reproduction = {
  name: 'adashift-mnist',
  title: 'Logistic regression and a 2x256 MLP: SGD, Adam, AMSGrad, non-/max-AdaShift (thesis 004, figures 3-2 and 3-3)',
  source: 'thesis 004 §3.5.2, figures 3-2 and 3-3, tables 3-5 and 3-6 (MNIST there; Fashion-MNIST here)',
  summary: 'Training loss and test accuracy curves; logistic regression: the methods end close; MLP: max-AdaShift reaches a lower training loss than non-AdaShift.',
  trials(scale) {
    const s = mnistSettings(scale);
    const out: TrialConfig[] = [];
    for (const model of ['logistic', 'mlp'] as const) {
      const taskOptions = { dataset: s.dataset, trainLimit: s.trainLimit, testLimit: s.testLimit, epochs: s.epochs, batchSize: s.batchSize, hidden: model === 'mlp' ? [256, 256] : [], logPoints: 20 };
      for (const m of thesisMethods(model)) for (let seed = 0; seed < s.seeds; seed++) out.push({ task: model, taskOptions, method: m, seed });
    }
    return out;
  },
  async analyze(records, plotDir) {
    const sink = new PlotSink(plotDir);
    const tables: Table[] = [];
    const claims: Claim[] = [];
    const figures: Record<string, number | null> = {};
    for (const model of ['logistic', 'mlp'] as const) {
      const groups = groupTrials(records.filter((r) => r.config.task === model));
      if (groups.length === 0) continue;
      const fig = model === 'logistic' ? '3-2' : '3-3';
      await sink.add(curvesChart(curves(groups, 'steps', 'step', 'loss'), { name: `${model}-train-loss`, title: `Figure ${fig} (${model}): training loss (mean ± std over seeds)`, xTitle: 'step', yTitle: 'training loss', logY: true }));
      await sink.add(curvesChart(curves(groups, 'epochs', 'epoch', 'testAccuracy'), { name: `${model}-test-accuracy`, title: `Figure ${fig} (${model}): test accuracy`, xTitle: 'epoch', yTitle: 'test accuracy' }));
      await sink.add(barChart(groups.map((g) => ({ label: g.label, ...finalStats(g, 'testAccuracy') })), { name: `${model}-final-accuracy`, title: `${model}: final test accuracy`, yTitle: 'test accuracy' }));
      const rows = groups.map((g) => {
        const o = g.records[0].config.method.options;
        return [g.label, `lr=${o.lr}${o.phi ? ` φ=${o.phi}` : ''}`, g.records.length, finalStats(g, 'trainLoss').values, finalStats(g, 'testAccuracy').values.map((v) => 100 * v)];
      });
      tables.push(formattedTable(['method', 'hyperparameters', 'seeds', 'final train loss', 'final test accuracy (%)'], rows, { caption: `${model} (${String(groups[0].records[0].extra?.data ?? '')}), mean ± std over seeds` }));
      const acc = groups.map((g) => ({ label: g.label, v: finalStats(g, 'testAccuracy').mean, loss: finalStats(g, 'trainLoss').mean }));
      for (const a of acc) {
        figures[`${model}:${a.label}:testAccuracy`] = a.v;
        figures[`${model}:${a.label}:trainLoss`] = a.loss;
      }
      // A diverged run has no final training loss (NaN, stored as null).
      const diverged = acc.filter((a) => !Number.isFinite(a.loss) || a.loss > 50);
      claims.push({
        claim: `${model}: every method trains without diverging`,
        holds: diverged.length === 0,
        detail: diverged.length ? `diverged: ${diverged.map((a) => a.label).join(', ')}` : 'all finite',
      });
      const fine = acc.filter((a) => !diverged.includes(a));
      if (model === 'logistic') {
        const spread = Math.max(...fine.map((a) => a.v)) - Math.min(...fine.map((a) => a.v));
        claims.push({ claim: 'Logistic regression: the methods that did not diverge end close in test accuracy (spread under 5 points)', holds: spread < 0.05, detail: `spread ${fmt(100 * spread, 3)} points over ${fine.map((a) => a.label).join(', ')}` });
        const authorsNon = acc.find((a) => a.label === AUTHORS_NON);
        const adam = acc.find((a) => a.label === 'Adam');
        if (authorsNon && adam) claims.push({ claim: 'Logistic regression: non-AdaShift with the authors\' safeguard trains like Adam (test accuracy within 5 points)', holds: Number.isFinite(authorsNon.loss) && Math.abs(authorsNon.v - adam.v) < 0.05, detail: `${fmt(100 * authorsNon.v, 3)} % vs Adam ${fmt(100 * adam.v, 3)} %` });
      } else {
        const max = acc.find((a) => a.label === 'max-AdaShift');
        const non = acc.find((a) => a.label === 'non-AdaShift');
        if (max && non) {
          const nonDiverged = diverged.includes(non);
          claims.push({ claim: 'MLP: max-AdaShift reaches a lower training loss than non-AdaShift', holds: Number.isFinite(max.loss) && (nonDiverged || max.loss < non.loss), detail: nonDiverged ? `${fmt(max.loss)}; non-AdaShift diverged` : `${fmt(max.loss)} vs ${fmt(non.loss)}` });
        }
        const authorsNon = acc.find((a) => a.label === AUTHORS_NON);
        // The safeguard removes the ε path but not the first update's lr·g_t/|g_{t-1}| ratio.
        if (authorsNon) claims.push({ claim: 'MLP: non-AdaShift with the authors\' safeguard trains without diverging', holds: !diverged.includes(authorsNon), detail: diverged.includes(authorsNon) ? 'diverged' : fmt(authorsNon.loss) });
        const adam = acc.find((a) => a.label === 'Adam');
        if (max && adam) claims.push({ claim: 'MLP: max-AdaShift reaches a training loss no higher than Adam’s (within 10 %)', holds: max.loss <= adam.loss * 1.1, detail: `${fmt(max.loss)} vs ${fmt(adam.loss)}` });
      }
    }
    return analysisOf([{ title: 'Logistic regression and MLP', text: ['Hyperparameters from tables 3-5 and 3-6 of the thesis (β1 = 0, β2 = 0.999, n = 1); batch size 64.'], claims, tables, plots: sink.plots }], figures);
  },
};
