/**
 * The landscape claims of the theory overview (seed 002) and survey 000's section on the loss
 * landscape, after Li et al. 2018: skip connections and width make a network's loss landscape
 * smoother. Deep MLPs with and without residual connections at several widths are trained the
 * same way; at each solution, a 2-D slice along filter-normalized random directions (drawn as
 * contours) and the top Hessian eigenvalue.
 *
 * Smoothness in numbers: the top eigenvalue λ₁ (the sharpest curvature), the slice's mean rise
 * above the centre's loss, and the slice's local minima (a chaotic surface has many).
 */
import { z } from 'zod';
import { slice2d, topHessianEigen } from '../../../diagnostics/index.js';
import { slice } from '../regularize/data.js';
import { accuracy, buildNet, datasetOption, fmnist, lossObjective, surfaceChart, train } from './common.js';
import { analysisOf, type Claim, fmt, groupTrials, mean, optionsSchema, PlotSink, type Reproduction, resolveMethod, type Scale, type TaskDef, type TrialConfig, type TrialOutput } from '../kit.js';

export interface LandscapeOptions {
  dataset: 'auto' | 'builtin' | 'full';
  trainLimit: number;
  testLimit: number;
  width: number;
  depth: number;
  residual: boolean;
  epochs: number;
  batchSize: number;
  evalLimit: number;
  slicePoints: number;
  sliceRange: number;
  lanczosIterations: number;
}

/** Grid points strictly below their (up to 8) neighbours. */
export function localMinima(grid: number[][]): number {
  let count = 0;
  for (let r = 0; r < grid.length; r++) {
    for (let c = 0; c < grid[r].length; c++) {
      let lowest = true;
      for (let dr = -1; dr <= 1 && lowest; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          if ((dr || dc) && grid[r + dr]?.[c + dc] !== undefined && !(grid[r][c] < grid[r + dr][c + dc])) {
            lowest = false;
            break;
          }
        }
      }
      if (lowest) count++;
    }
  }
  return count;
}

/** One trial: train the net, then slice its landscape and measure λ₁ on training data. */
export function runLandscape(config: TrialConfig, o: LandscapeOptions): TrialOutput {
  const data = fmnist(o.dataset, o.trainLimit, o.testLimit);
  const model = buildNet({ width: o.width, depth: o.depth, residual: o.residual, activation: 'relu', seed: config.seed });
  train(model, data.train, config.method, { epochs: o.epochs, batchSize: o.batchSize, seed: config.seed });
  const objective = lossObjective(model, slice(data.train, 0, o.evalLimit));
  const params = model.parameters();
  const surface = slice2d(objective, params, { range: [-o.sliceRange, o.sliceRange], points: o.slicePoints, seed: config.seed });
  const centre = surface.loss[(o.slicePoints - 1) / 2][(o.slicePoints - 1) / 2];
  const finite = surface.loss.flat().map((l) => (Number.isFinite(l) ? l : 1e3));
  const top = topHessianEigen(objective, params, { k: 1, iterations: o.lanczosIterations, seed: config.seed });
  return {
    final: {
      trainLoss: centre,
      testAccuracy: accuracy(model, data.test),
      topEigenvalue: top.eigenvalues[0],
      sliceMeanRise: mean(finite) - centre,
      sliceLocalMinima: localMinima(surface.loss),
    },
    extra: { data: data.source, sliceX: surface.x, sliceLoss: surface.loss },
  };
}

/** The task `landscape-net`. */
export const landscapeTask: TaskDef = {
  name: 'landscape-net',
  title: 'Loss landscape of a deep MLP with or without skip connections (Li et al. 2018)',
  description: 'A 784-w-…-w-10 ReLU MLP (depth hidden layers, optionally residual) on Fashion-MNIST; after training, a 2-D filter-normalized slice of the training loss and the top Hessian eigenvalue',
  schema: optionsSchema({
    dataset: datasetOption,
    trainLimit: z.number().int().positive().default(1000),
    testLimit: z.number().int().positive().default(500),
    width: z.number().int().positive().default(32),
    depth: z.number().int().min(0).default(8),
    residual: z.boolean().default(false),
    epochs: z.number().int().positive().default(5),
    batchSize: z.number().int().positive().default(32),
    evalLimit: z.number().int().positive().default(500),
    slicePoints: z.number().int().min(3).refine((n) => n % 2 === 1, 'slicePoints must be odd (the centre is a grid point)').default(11),
    sliceRange: z.number().positive().default(1),
    lanczosIterations: z.number().int().positive().default(20),
  }),
  primary: { metric: 'topEigenvalue', goal: 'min' },
  defaultLr: (m) => (m.optimizer === 'sgd' ? 0.05 : 1e-3),
  run: (config, options) => runLandscape(config, options as unknown as LandscapeOptions),
};

/** The task options shared by every network, the widths and the seeds at each scale. */
export function landscapeSettings(scale: Scale): { base: Record<string, number | string>; widths: number[]; seeds: number } {
  return scale === 'full'
    ? { base: { dataset: 'builtin', trainLimit: 4000, testLimit: 1000, depth: 20, epochs: 10, evalLimit: 1000, slicePoints: 25 }, widths: [16, 64, 256], seeds: 2 }
    : { base: { dataset: 'builtin', trainLimit: 1000, testLimit: 500, depth: 8, epochs: 5, evalLimit: 500, slicePoints: 11 }, widths: [16, 64], seeds: 1 };
}

const label = (residual: boolean, width: number): string => `${residual ? 'residual' : 'plain'} w=${width}`;

/** The reproduction, with the claims of the header above. */
export const landscape: Reproduction = {
  name: 'landscape',
  title: 'Skip connections and width smooth the loss landscape (Li et al. 2018)',
  source: 'theory overview (seed 002) and survey 000 on the loss landscape; Li, Xu, Taylor, Studer and Goldstein 2018',
  summary: 'Deep ReLU MLPs with and without residual connections at several widths, trained alike: 2-D filter-normalized slices, the top Hessian eigenvalue, and the slices\' rise and local minima.',
  trials(scale) {
    const s = landscapeSettings(scale);
    const method = resolveMethod('adam', { lr: 1e-3 }, 'Adam');
    const out: TrialConfig[] = [];
    for (const residual of [false, true]) for (const width of s.widths) for (let seed = 0; seed < s.seeds; seed++) out.push({ task: 'landscape-net', taskOptions: { ...s.base, width, residual }, method, seed, tags: { residual, width } });
    return out;
  },
  async analyze(records, plotDir) {
    const sink = new PlotSink(plotDir);
    const groups = groupTrials(records);
    const of = (residual: boolean, width: number) => groups.find((g) => g.records[0].config.tags?.residual === residual && g.records[0].config.tags?.width === width);
    const widths = [...new Set(groups.map((g) => g.records[0].config.tags?.width as number))].sort((a, b) => a - b);
    const m = (residual: boolean, width: number, key: string): number => mean(of(residual, width)?.records.map((r) => r.final[key] as number) ?? [NaN]);
    const rows: string[][] = [];
    for (const residual of [false, true]) {
      for (const width of widths) {
        const g = of(residual, width);
        if (!g) continue;
        rows.push([label(residual, width), fmt(m(residual, width, 'trainLoss')), fmt(100 * m(residual, width, 'testAccuracy'), 4) + ' %', fmt(m(residual, width, 'topEigenvalue')), fmt(m(residual, width, 'sliceMeanRise')), fmt(m(residual, width, 'sliceLocalMinima'), 3)]);
        const r0 = g.records[0];
        const xs = r0.extra?.sliceX as number[];
        await sink.add(surfaceChart({ x: xs, y: xs, loss: r0.extra?.sliceLoss as number[][] }, { name: `slice-${residual ? 'residual' : 'plain'}-w${width}`, title: `Training loss slice, ${label(residual, width)} (log contours)` }));
      }
    }
    const claims: Claim[] = [];
    const figures: Record<string, number | null> = {};
    for (const width of widths) {
      if (!of(false, width) || !of(true, width)) continue;
      const [p, r] = [m(false, width, 'topEigenvalue'), m(true, width, 'topEigenvalue')];
      claims.push({ claim: `Skip connections smooth the landscape at width ${width}: a smaller top Hessian eigenvalue`, holds: r < p, detail: `λ₁ residual ${fmt(r)} vs plain ${fmt(p)}` });
      const [pr, rr] = [m(false, width, 'sliceMeanRise'), m(true, width, 'sliceMeanRise')];
      claims.push({ claim: `Skip connections flatten the 2-D slice at width ${width}: a smaller mean rise above the centre`, holds: rr < pr, detail: `residual ${fmt(rr)} vs plain ${fmt(pr)}` });
      Object.assign(figures, { [`plain:w${width}:lambda1`]: p, [`residual:w${width}:lambda1`]: r });
    }
    if (widths.length > 1) {
      const [lo, hi] = [widths[0], widths[widths.length - 1]];
      for (const residual of [false, true]) {
        if (!of(residual, lo) || !of(residual, hi)) continue;
        claims.push({ claim: `Widening smooths the landscape (${residual ? 'residual' : 'plain'}): width ${hi} has a smaller top eigenvalue than width ${lo}`, holds: m(residual, hi, 'topEigenvalue') < m(residual, lo, 'topEigenvalue'), detail: `λ₁ ${fmt(m(residual, hi, 'topEigenvalue'))} vs ${fmt(m(residual, lo, 'topEigenvalue'))}` });
      }
    }
    return analysisOf([{ title: 'Skip connections, width and the loss landscape', text: ['Adam (lr 1e-3) for every network (plain SGD does not move the deep plain nets off their initial loss at this depth: their gradients vanish); slices f(x, y) = L(θ* + xδ + yη) with δ, η Gaussian directions normalized filter by filter to the weights (biases left out), on training data; λ₁ by Lanczos.'], claims, tables: [{ headers: ['network', 'train loss', 'test accuracy', 'top eigenvalue', 'slice mean rise', 'slice local minima'], rows }], plots: sink.plots }], figures);
  },
};
