/**
 * Momentum and Nesterov against plain gradient descent on an ill-conditioned quadratic
 * (course notes 003 §2.1 and §3; survey 002 §5.2): iterations to reach f ≤ 1e-6 f(x0) as
 * the condition number κ grows. Theory, with each method's tuned step and momentum: gradient
 * descent needs O(κ log 1/ε) iterations, heavy ball and Nesterov O(√κ log 1/ε); the fitted
 * slopes of log(iterations) against log(κ) should be near 1 and ½.
 */
import { tunedOptions } from '../../problems/quadratic.js';
import { analysisOf, type Claim, curvesChart, fitChart, fmt, formattedTable, linearFit, mean, type Plot, PlotSink, type Reproduction, resolveMethod, type Scale, type TrialConfig, type TrialRecord } from '../kit.js';

const KINDS = ['sgd', 'momentum', 'nesterov'] as const;
const LABELS: Record<(typeof KINDS)[number], string> = { sgd: 'gradient descent', momentum: 'heavy-ball momentum', nesterov: 'Nesterov' };

export function momentumSettings(scale: Scale): { kappas: number[]; dim: number; tol: number; seeds: number } {
  return scale === 'full'
    ? { kappas: [10, 30, 100, 300, 1000, 3000, 10000], dim: 200, tol: 1e-6, seeds: 3 }
    : { kappas: [10, 30, 100, 300, 1000], dim: 50, tol: 1e-6, seeds: 1 };
}

export const momentum: Reproduction = {
  name: 'momentum-condition',
  title: 'Momentum and Nesterov vs gradient descent as the condition number grows',
  source: 'course notes 003 §2.1 (ill-conditioning) and §3 (momentum, Nesterov); survey 002 §5.2',
  summary: 'Iterations to f ≤ 1e-6·f(x0) on ½Σλ_i x_i² with λ in [1, κ]: the log-log slope against κ is about 1 for gradient descent and about ½ for momentum and Nesterov.',
  trials(scale) {
    const s = momentumSettings(scale);
    const out: TrialConfig[] = [];
    for (const kappa of s.kappas) {
      for (const kind of KINDS) {
        const opts = tunedOptions(kind, kappa);
        const method = resolveMethod(kind === 'sgd' ? 'sgd' : 'sgd', kind === 'nesterov' ? { ...opts, nesterov: true } : opts, LABELS[kind]);
        for (let seed = 0; seed < s.seeds; seed++) {
          out.push({ task: 'quadratic-nd', taskOptions: { dim: s.dim, kappa, tol: s.tol, maxSteps: Math.ceil(20 * kappa * Math.log(1 / s.tol)) + 1000, points: 100 }, method, seed, tags: { kappa, kind } });
        }
      }
    }
    return out;
  },
  async analyze(records, plotDir) {
    const done = records.filter((r) => r.status === 'done');
    const kappas = [...new Set(done.map((r) => r.config.tags!.kappa as number))].sort((a, b) => a - b);
    const iters = (kind: string, kappa: number): number => {
      const v = done.filter((r) => r.config.tags!.kind === kind && r.config.tags!.kappa === kappa).map((r) => r.final.iterations);
      return v.length && v.every((x) => typeof x === 'number') ? mean(v as number[]) : NaN;
    };
    const fits = KINDS.map((kind) => {
      const pts = kappas.map((k) => ({ x: k, y: iters(kind, k) })).filter((p) => Number.isFinite(p.y));
      const f = linearFit(pts.map((p) => Math.log(p.x)), pts.map((p) => Math.log(p.y)));
      return { kind, label: LABELS[kind], points: pts, slope: f.slope, intercept: f.intercept, r2: f.r2 };
    });
    const sink = new PlotSink(plotDir);
    await sink.add(fitChart(fits, { name: 'iterations-vs-kappa', title: 'Iterations to f ≤ 1e-6·f(x0) against the condition number (log-log)', xTitle: 'condition number κ', yTitle: 'iterations' }));
    const kMax = kappas[kappas.length - 1];
    const curveRecs = done.filter((r) => r.config.tags!.kappa === kMax && r.config.seed === 0);
    await sink.add(curvesChart(curveRecs.map((r) => ({ label: r.config.method.label, x: r.steps!.step, mean: r.steps!.relLoss })), { name: 'loss-at-largest-kappa', title: `f(x_k)/f(x_0) at κ = ${kMax}`, xTitle: 'iteration', yTitle: 'f / f0', logY: true }));
    const headers = ['κ', ...fits.map((f) => `${f.label} iterations`), 'GD theory ≈ (κ/4)·ln(1/tol)', 'ratio GD / Nesterov'];
    const tol = (done[0]?.config.taskOptions.tol as number) ?? 1e-6;
    const rows = kappas.map((k) => [
      k,
      ...KINDS.map((kind) => iters(kind, k)),
      (k / 4) * Math.log(1 / tol),
      iters('sgd', k) / iters('nesterov', k),
    ]);
    const slopeRows = fits.map((f) => [f.label, f.slope, f.r2, f.kind === 'sgd' ? '1' : '0.5']);
    const table = formattedTable(headers, rows, { caption: 'Iterations to tolerance (mean over seeds)', digits: { [headers.length - 2]: 3, [headers.length - 1]: 3 } });
    const slopes = formattedTable(['method', 'fitted slope', 'R²', 'theory'], slopeRows, { caption: 'log(iterations) = slope·log(κ) + c', digits: { 1: 3 } });
    const [gd, hb, nag] = fits;
    const claims: Claim[] = [
      { claim: 'Momentum needs fewer iterations than gradient descent at every κ tested', holds: kappas.every((k) => iters('momentum', k) < iters('sgd', k)), detail: table.rows.map((r) => `κ=${r[0]}: ${r[2]} vs ${r[1]}`).join('; ') },
      { claim: "Momentum's iteration count grows with a smaller log-log slope than gradient descent's", holds: hb.slope < gd.slope, detail: `${fmt(hb.slope, 3)} < ${fmt(gd.slope, 3)}` },
      { claim: "Nesterov's iteration count grows with a smaller log-log slope than gradient descent's", holds: nag.slope < gd.slope, detail: `${fmt(nag.slope, 3)} < ${fmt(gd.slope, 3)}` },
      { claim: "Gradient descent's slope is near the theory's 1 (within 0.8-1.2)", holds: gd.slope > 0.8 && gd.slope < 1.2, detail: `slope ${fmt(gd.slope, 3)}` },
      { claim: "Momentum's and Nesterov's slopes are near the theory's ½ (within 0.35-0.7)", holds: [hb, nag].every((f) => f.slope > 0.35 && f.slope < 0.7), detail: `${fmt(hb.slope, 3)}, ${fmt(nag.slope, 3)}` },
    ];
    return analysisOf(
      [
        {
          title: 'Iterations to tolerance as κ grows',
          text: [
            `f(x) = ½ Σ λ_i x_i² in ${done[0]?.config.taskOptions.dim} dimensions, λ log-spaced over [1, κ], start a seeded standard normal point. Each method runs with its theory-tuned step and momentum: gradient descent lr = 2/(L+μ); heavy ball lr = 4/(√L+√μ)², momentum ((√κ-1)/(√κ+1))²; Nesterov lr = 1/L, momentum (√κ-1)/(√κ+1).`,
          ],
          claims,
          tables: [slopes, table],
          plots: sink.plots,
        },
      ],
      { slopeGD: gd.slope, slopeMomentum: hb.slope, slopeNesterov: nag.slope },
    );
  },
};

