/**
 * The edge of stability (Cohen, Kaur, Li, Kolter and Talwalkar 2021): under full-batch gradient
 * descent with step size η, the top Hessian eigenvalue of the training loss first rises
 * (progressive sharpening) and then hovers at 2/η, the largest curvature at which gradient
 * descent on a quadratic is stable, while the loss keeps falling, non-monotonically.
 *
 * The task `edge-of-stability` trains full-batch with any method and records λ₁ every few steps
 * beside the method's stability threshold (2/η for SGD; (2 + 2β)/η with heavy-ball momentum β,
 * Cohen et al. §5), so `descent compare` specs can draw the picture for several methods.
 */
import { z } from 'zod';
import { topHessianEigen } from '../../../diagnostics/index.js';
import { crossEntropy, type Module } from '../../../nn/index.js';
import type { TensorDataset } from '../../../data/index.js';
import { oneHot } from '../../../nn/index.js';
import type { Tensor } from '../../../tensor/index.js';
import { buildOptimizer } from '../../methods.js';
import { datasetOption, fmnist } from './common.js';
import { buildNet, stabilityThreshold } from './nets.js';
import { analysisOf, type Claim, curvesChart, fmt, groupTrials, mean, optionsSchema, PlotSink, type Reproduction, resolveMethod, type Scale, type Series, type TaskDef, type TaskHooks, type TrialConfig, type TrialOutput, type Method } from '../kit.js';

export interface EdgeOfStabilityOptions {
  dataset: 'auto' | 'builtin' | 'full';
  trainLimit: number;
  width: number;
  depth: number;
  activation: 'relu' | 'tanh';
  loss: 'mse' | 'crossEntropy';
  /** Full-batch steps (each one pass over the training examples: an epoch). */
  steps: number;
  /** λ₁ every this many steps (and at the end). */
  evalEvery: number;
  lanczosIterations: number;
}

export { stabilityThreshold };

function lossOf(kind: EdgeOfStabilityOptions['loss'], model: Module, data: TensorDataset, target: Tensor | null): Tensor {
  const out = model.forward(data.x);
  // Cohen et al.'s square loss: ½ Σ_classes (f(x) − onehot(y))², averaged over examples.
  return kind === 'mse' ? out.sub(target!).square().sum(1).mean().mul(0.5) : crossEntropy(out, data.y);
}

/** One trial: full-batch training with λ₁ recorded every `evalEvery` steps. */
export function runEdgeOfStability(config: TrialConfig, o: EdgeOfStabilityOptions, hooks: TaskHooks = {}): TrialOutput {
  const data = fmnist(o.dataset, o.trainLimit, 1).train;
  const model = buildNet({ width: o.width, depth: o.depth, residual: false, activation: o.activation, seed: config.seed });
  const target = o.loss === 'mse' ? oneHot(data.y, 10) : null;
  const params = model.parameters();
  const optimizer = buildOptimizer(config.method, params);
  const objective = () => lossOf(o.loss, model, data, target);
  const threshold = stabilityThreshold(config.method);
  const steps: Record<string, number[]> = { step: [], loss: [] };
  const evals: Record<string, number[]> = { step: [], sharpness: [], threshold: [] };
  let diverged = false;
  for (let s = 0; s <= o.steps; s++) {
    if (s % o.evalEvery === 0 || s === o.steps) {
      evals.step.push(s);
      evals.sharpness.push(topHessianEigen(objective, params, { k: 1, iterations: o.lanczosIterations, seed: s }).eigenvalues[0]);
      evals.threshold.push(threshold);
      hooks.onProgress?.(s / o.steps);
    }
    if (s === o.steps) break;
    optimizer.zeroGrad();
    const loss = objective();
    loss.backward();
    steps.step.push(s);
    steps.loss.push(loss.item());
    if (!Number.isFinite(loss.item())) {
      diverged = true;
      break;
    }
    optimizer.step();
  }
  const lam = evals.sharpness;
  const tail = lam.slice(Math.floor((2 * lam.length) / 3));
  return {
    steps,
    epochs: { step: evals.step, sharpness: lam, threshold: evals.threshold },
    final: {
      loss: steps.loss[steps.loss.length - 1],
      initialSharpness: lam[0],
      maxSharpness: Math.max(...lam.filter(Number.isFinite)),
      finalSharpness: lam[lam.length - 1],
      threshold: Number.isFinite(threshold) ? threshold : null,
      // The last third's mean λ₁ over the threshold: about 1 at the edge of stability.
      tailRatio: Number.isFinite(threshold) ? mean(tail) / threshold : null,
      diverged: diverged ? 1 : 0,
    },
  };
}

/** The task `edge-of-stability`. */
export const edgeOfStabilityTask: TaskDef = {
  name: 'edge-of-stability',
  title: 'Edge of stability: the top Hessian eigenvalue under full-batch training against 2/lr',
  description: 'A tanh MLP on a Fashion-MNIST subset trained full-batch (square loss by default); λ₁ of the training loss every evalEvery steps beside the method\'s stability threshold (2/lr for SGD)',
  schema: optionsSchema({
    dataset: datasetOption,
    trainLimit: z.number().int().positive().default(500),
    width: z.number().int().positive().default(64),
    depth: z.number().int().min(0).default(1),
    activation: z.enum(['relu', 'tanh']).default('tanh'),
    loss: z.enum(['mse', 'crossEntropy']).default('mse'),
    steps: z.number().int().positive().default(600),
    evalEvery: z.number().int().positive().default(20),
    lanczosIterations: z.number().int().positive().default(15),
  }),
  primary: { metric: 'loss', goal: 'min' },
  defaultLr: (m) => (m.optimizer === 'sgd' ? 0.05 : 1e-3),
  run: (config, options, hooks) => runEdgeOfStability(config, options as unknown as EdgeOfStabilityOptions, hooks),
};

/** The task options and the step sizes at each scale. */
export function edgeSettings(scale: Scale): { taskOptions: Record<string, number | string>; lrs: number[] } {
  return scale === 'full'
    ? { taskOptions: { trainLimit: 500, width: 64, steps: 1000, evalEvery: 20 }, lrs: [0.02, 0.05, 0.1] }
    : { taskOptions: { trainLimit: 250, width: 32, steps: 500, evalEvery: 25, lanczosIterations: 12 }, lrs: [0.05, 0.1] };
}

/** The reproduction, with the claims of the header above. */
export const edgeOfStability: Reproduction = {
  name: 'edge-of-stability',
  title: 'Full-batch gradient descent trains at the edge of stability: λ₁ rises to 2/lr and stays there (Cohen et al. 2021)',
  source: 'issue 20 item 1 (the "edge of stability" picture); Cohen, Kaur, Li, Kolter and Talwalkar 2021',
  summary: 'A tanh MLP trained by full-batch gradient descent at several step sizes: the top Hessian eigenvalue per evaluation against 2/lr.',
  trials(scale) {
    const s = edgeSettings(scale);
    return s.lrs.map((lr) => ({ task: 'edge-of-stability', taskOptions: s.taskOptions, method: resolveMethod('sgd', { lr }, `GD lr=${lr}`), seed: 0 }));
  },
  async analyze(records, plotDir) {
    const sink = new PlotSink(plotDir);
    const groups = groupTrials(records);
    const sharp: Series[] = [];
    const losses: Series[] = [];
    const claims: Claim[] = [];
    const figures: Record<string, number | null> = {};
    const rows: string[][] = [];
    for (const g of groups) {
      const r = g.records[0];
      const e = r.epochs!;
      sharp.push({ label: g.label, x: e.step, mean: e.sharpness }, { label: `2/lr (${g.label})`, x: e.step, mean: e.threshold });
      losses.push({ label: g.label, x: r.steps!.step, mean: r.steps!.loss });
      const f = r.final as Record<string, number>;
      rows.push([g.label, fmt(f.threshold), fmt(f.initialSharpness), fmt(f.maxSharpness), fmt(f.finalSharpness), fmt(f.tailRatio, 3), fmt(f.loss)]);
      if (f.initialSharpness < 0.9 * f.threshold) {
        claims.push({ claim: `${g.label}: progressive sharpening — starting below 2/lr, λ₁ rises to it`, holds: f.maxSharpness >= 0.9 * f.threshold, detail: `λ₁ from ${fmt(f.initialSharpness)} to at most ${fmt(f.maxSharpness)}; 2/lr = ${fmt(f.threshold)}` });
      } else {
        claims.push({ claim: `${g.label}: starting above 2/lr, λ₁ comes down to it (gradient descent leaves regions too sharp for its step)`, holds: f.finalSharpness < f.initialSharpness, detail: `λ₁ from ${fmt(f.initialSharpness)} to ${fmt(f.finalSharpness)}; 2/lr = ${fmt(f.threshold)}` });
      }
      claims.push({ claim: `${g.label}: λ₁ hovers at 2/lr over the last third of training (mean within ±20 %)`, holds: Math.abs(f.tailRatio - 1) < 0.2, detail: `mean λ₁ / (2/lr) = ${fmt(f.tailRatio, 3)}` });
      figures[`${g.label}:tailRatio`] = f.tailRatio;
    }
    await sink.add(curvesChart(sharp, { name: 'sharpness', title: 'Top Hessian eigenvalue during full-batch gradient descent, with 2/lr', xTitle: 'step', yTitle: 'λ₁' }));
    await sink.add(curvesChart(losses, { name: 'loss', title: 'Training loss (full batch)', xTitle: 'step', yTitle: 'loss', logY: true }));
    return analysisOf([{ title: 'Edge of stability', text: ['Full-batch gradient descent (plain SGD on the whole training subset) on the square loss, as Cohen et al. run it; λ₁ by Lanczos on Hessian-vector products of the full-batch loss.'], claims, tables: [{ headers: ['run', '2/lr', 'initial λ₁', 'max λ₁', 'final λ₁', 'last third λ₁ / (2/lr)', 'final loss'], rows }], plots: sink.plots }], figures);
  },
};
