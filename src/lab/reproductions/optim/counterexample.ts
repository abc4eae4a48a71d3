/**
 * Thesis 004 section 3.5.1, figure 3-1: the stochastic online counterexample (eq. 3-7) with
 * C = 101, δ = 0.02 on the feasible set [-1, 1] (as in Reddi et al. [77]), θ_1 = 0,
 * α = 0.001, β1 = 0, β2 = 0.999.
 *
 * - 3-1a: Adam drives θ the wrong way (up); AMSGrad and AdaShift drive it down, AdaShift
 *   faster (AMSGrad's maximum keeps v_t large).
 * - 3-1b: with a large enough β1 or β2 Adam goes the right way too; β1 = 0.9 is not enough;
 *   AdaShift is still the fastest.
 *
 * One trial runs K independent copies of the problem side by side (one coordinate each, each
 * with its own random stream; AdaShift with φ = none so the copies stay independent, which in
 * one dimension is what every φ does), and the curves show the mean of θ over the copies with a
 * band of ± one standard deviation: the thesis shows one realization, whose noise would hide the
 * drift in a reduced run.
 */
import { analysisOf, type Claim, curvesChart, fmt, formattedTable, mean, type Method, type Plot, PlotSink, type Reproduction, resolveMethod, type Scale, type Series, type TrialConfig, type TrialRecord } from '../kit.js';

const BASE = { lr: 0.001, eps: 1e-8 };

function methodsA(): Method[] {
  return [
    resolveMethod('adam', { ...BASE, betas: [0, 0.999] }, 'Adam'),
    resolveMethod('amsgrad', { ...BASE, betas: [0, 0.999] }, 'AMSGrad'),
    resolveMethod('adashift', { lr: 0.001, betas: [0, 0.999], keepNum: 1, phi: 'none', eps: 1e-8 }, 'AdaShift'),
  ];
}

function methodsB(): Method[] {
  return [
    resolveMethod('adam', { ...BASE, betas: [0.9, 0.999] }, 'Adam β1=0.9'),
    resolveMethod('adam', { ...BASE, betas: [0.9999, 0.999] }, 'Adam β1=0.9999'),
    resolveMethod('adam', { ...BASE, betas: [0, 0.9999] }, 'Adam β2=0.9999'),
    resolveMethod('adam', { ...BASE, betas: [0, 0.99999] }, 'Adam β2=0.99999'),
  ];
}

export function counterexampleSettings(scale: Scale): { steps: number; copies: number } {
  return scale === 'full' ? { steps: 1_000_000, copies: 64 } : { steps: 150_000, copies: 128 };
}

function series(r: TrialRecord): Series {
  return { label: r.config.method.label, x: r.steps!.step, mean: r.steps!.thetaMean, std: r.steps!.thetaStd };
}

export const counterexample: Reproduction = {
  name: 'adam-counterexample',
  title: 'Adam on the stochastic online counterexample (thesis 004, figure 3-1)',
  source: 'thesis 004 §3.2 eq. (3-7), §3.5.1, figure 3-1a/b; Reddi et al. 2018 ([77])',
  summary: 'C = 101, δ = 0.02, α = 0.001, β1 = 0, β2 = 0.999: Adam drives θ up (wrong), AMSGrad and AdaShift down, AdaShift faster; large β1 or β2 rescue Adam, β1 = 0.9 does not.',
  trials(scale) {
    const { steps, copies } = counterexampleSettings(scale);
    const taskOptions = { C: 101, delta: 0.02, bound: 1, copies, steps, start: 0, points: 200 };
    const out: TrialConfig[] = [];
    for (const m of methodsA()) out.push({ task: 'online-stochastic', taskOptions, method: m, seed: 1, tags: { figure: '3-1a' } });
    for (const m of methodsB()) out.push({ task: 'online-stochastic', taskOptions, method: m, seed: 1, tags: { figure: '3-1b' } });
    return out;
  },
  async analyze(records, plotDir) {
    const a = records.filter((r) => r.config.tags?.figure === '3-1a' && r.status === 'done');
    // Figure 3-1b shows AdaShift again for reference: the same trial as in 3-1a.
    const b = [...records.filter((r) => r.config.tags?.figure === '3-1b' && r.status === 'done'), ...a.filter((r) => r.config.method.label === 'AdaShift')];
    const theta = (rs: TrialRecord[], label: string): number => {
      const r = rs.find((x) => x.config.method.label === label);
      return r ? (r.final.thetaMean as number) : NaN;
    };
    // "Faster" is judged on the whole curve, not the end point: over a long run both methods
    // that go the right way end pinned at the bound -1.
    const runAverage = (rs: TrialRecord[], label: string): number => {
      const r = rs.find((x) => x.config.method.label === label);
      return r ? mean(r.steps!.thetaMean) : NaN;
    };
    const sink = new PlotSink(plotDir);
    const steps = a[0]?.config.taskOptions.steps as number;
    const copies = a[0]?.config.taskOptions.copies as number;
    await sink.add(curvesChart(a.map(series), { name: 'fig3-1a-theta', title: `Figure 3-1a: θ over ${steps} steps (mean ± std over ${copies} copies)`, xTitle: 'step', yTitle: 'θ', rule: { y: 0, label: 'start' } }));
    await sink.add(curvesChart(b.map(series), { name: 'fig3-1b-theta', title: `Figure 3-1b: Adam with larger β1 or β2 (mean ± std over ${copies} copies)`, xTitle: 'step', yTitle: 'θ', rule: { y: 0, label: 'start' } }));
    const headers = ['figure', 'method', 'options', 'final θ', 'final θ, std over copies', 'θ averaged over the run', 'copies ending below 0 (%)', 'average regret'];
    const rows = [...a, ...b.filter((r) => r.config.tags?.figure === '3-1b')].map((r) => [
      String(r.config.tags?.figure),
      r.config.method.label,
      `betas=${(r.config.method.options.betas as number[]).join(',')}`,
      r.final.thetaMean as number,
      r.final.thetaStd as number,
      mean(r.steps!.thetaMean),
      Math.round(100 * (r.final.fractionDown as number)),
      r.final.averageRegret as number,
    ]);
    const adam = theta(a, 'Adam');
    const ams = theta(a, 'AMSGrad');
    const shift = theta(a, 'AdaShift');
    const b09 = theta(b, 'Adam β1=0.9');
    const rescued = ['Adam β1=0.9999', 'Adam β2=0.9999', 'Adam β2=0.99999'].map((l) => ({ l, v: theta(b, l) }));
    const claims: Claim[] = [
      { claim: 'Adam (β1 = 0, β2 = 0.999) drives θ the wrong way: it ends above where it started', holds: adam > 0, detail: `final mean θ ${fmt(adam)}` },
      { claim: 'AMSGrad drives θ down', holds: ams < 0, detail: `final mean θ ${fmt(ams)}` },
      { claim: 'AdaShift drives θ down', holds: shift < 0, detail: `final mean θ ${fmt(shift)}` },
      { claim: 'AdaShift goes down faster than AMSGrad (lower θ averaged over the run)', holds: runAverage(a, 'AdaShift') < runAverage(a, 'AMSGrad'), detail: `${fmt(runAverage(a, 'AdaShift'))} < ${fmt(runAverage(a, 'AMSGrad'))}; final ${fmt(shift)} vs ${fmt(ams)}` },
      { claim: 'Figure 3-1b: β1 = 0.9 does not rescue Adam (θ still ends above the start)', holds: b09 > 0, detail: `final mean θ ${fmt(b09)}` },
      ...rescued.map(({ l, v }) => ({ claim: `Figure 3-1b: ${l} rescues Adam (θ goes down)`, holds: v < 0, detail: `final mean θ ${fmt(v)}` })),
      {
        claim: 'Figure 3-1b: AdaShift is still the fastest (lower θ averaged over the run)',
        holds: rescued.every(({ l }) => runAverage(b, 'AdaShift') < runAverage(b, l)),
        detail: `AdaShift ${fmt(runAverage(b, 'AdaShift'))} vs ${rescued.map(({ l }) => `${l} ${fmt(runAverage(b, l))}`).join(', ')}`,
      },
    ];
    const table = formattedTable(headers, rows, { digits: { 4: 3 } });
    return analysisOf(
      [
        {
          title: 'Figure 3-1: the stochastic counterexample',
          text: [
            `f_t(θ) = 101θ with probability 1.02/102, else -θ, on [-1, 1]; the expected cost is 0.02θ, so θ should go down to -1. ${steps} steps from θ = 0, ${copies} independent copies per method (one random stream each, the same streams for every method).`,
          ],
          claims,
          tables: [table],
          plots: sink.plots,
        },
      ],
      { adam, amsgrad: ams, adashift: shift, adamBeta1_09: b09, avgAmsgrad: runAverage(a, 'AMSGrad'), avgAdashift: runAverage(a, 'AdaShift'), ...Object.fromEntries(rescued.map(({ l, v }) => [l, v])) },
    );
  },
};

