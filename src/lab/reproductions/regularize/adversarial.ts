/**
 * Adversarial training raises robust accuracy (survey 000 §3.1.3): an MLP on Fashion-MNIST
 * trained normally, with FGSM adversarial training (Goodfellow et al. 2015: half clean, half
 * FGSM examples, ε = 0.1) and, at full scale, with PGD adversarial training (Madry et al.
 * 2018: PGD examples only, 7 steps). Robust accuracy = accuracy on test images attacked by
 * FGSM and by PGD (10 steps, random start) at several radii ε (pixels in [0, 1]).
 */
import { z } from 'zod';
import { Generator } from '../../../tensor/index.js';
import { robustAccuracy } from '../../../regularize/adversarial.js';
import type { RegularizationConfig } from '../../../regularize/spec.js';
import { buildMLP, fit } from '../../../regularize/train.js';
import { claimCount, hiddenOption, regularizationOption, regularizerTrials, type Regularizer } from './common.js';
import { slice, subset } from './data.js';
import { type Analysis, analysisOf, barChart, type Claim, curvesChart, fmt, fmtMeanStd, type Group, groupTrials, isAdaptive, mean, optionsSchema, PlotSink, type Reproduction, type Scale, type Series, std, type TaskDef, type TaskHooks, type TrialConfig, type TrialOutput, formattedTable } from '../kit.js';

// ---- the task --------------------------------------------------------------------------------

export interface AdversarialFmnistOptions {
  trainLimit: number;
  testLimit: number;
  hidden: number[];
  epochs: number;
  batchSize: number;
  /** The radii at which robust accuracy is measured. */
  evalEpsilons: number[];
  pgdSteps: number;
  regularization: RegularizationConfig;
}

export function runAdversarialFmnist(config: TrialConfig, o: AdversarialFmnistOptions, hooks: TaskHooks = {}): TrialOutput {
  const { train: pool, test: testPool } = subset();
  const train = slice(pool, 0, o.trainLimit);
  const test = slice(testPool, 0, o.testLimit);
  const model = buildMLP({ inputs: 784, hidden: o.hidden, outputs: 10, flatten: true, generator: new Generator(config.seed), regularization: o.regularization });
  const res = fit(model, {
    kind: 'classification', numClasses: 10, train, test, epochs: o.epochs, batchSize: o.batchSize,
    optimizer: config.method.optimizer, optimizerOptions: config.method.options, seed: config.seed,
    regularization: o.regularization, evalEvery: o.epochs, onProgress: (f, s) => hooks.onProgress?.(0.8 * f, s),
  });
  const eps: number[] = [];
  const fgsmAcc: number[] = [];
  const pgdAcc: number[] = [];
  const final: Record<string, number> = { ...res.final };
  o.evalEpsilons.forEach((e, i) => {
    hooks.onProgress?.(0.8 + (0.2 * i) / o.evalEpsilons.length, `attacks ε=${e}`);
    const f = robustAccuracy(model, test, { attack: 'fgsm', epsilon: e });
    const p = robustAccuracy(model, test, { attack: 'pgd', epsilon: e, steps: o.pgdSteps, generator: new Generator(config.seed + 77) });
    eps.push(e);
    fgsmAcc.push(f.robust);
    pgdAcc.push(p.robust);
    final[`fgsmAccuracy@${e}`] = f.robust;
    final[`pgdAccuracy@${e}`] = p.robust;
  });
  final.cleanAccuracy = res.final.testAccuracy;
  return { epochs: res.epochs, final, extra: { epsilon: eps, fgsmAccuracy: fgsmAcc, pgdAccuracy: pgdAcc } };
}

/** The task `adversarial-fmnist`. */
export const adversarialFmnistTask: TaskDef = {
  name: 'adversarial-fmnist',
  title: 'Clean and robust accuracy (FGSM, PGD) of an MLP on Fashion-MNIST, with or without adversarial training',
  description: 'MLP (default 784-256-10) on the built-in subset; robust accuracy under FGSM and L∞ PGD at each of evalEpsilons (inputs in [0, 1])',
  schema: optionsSchema({
    trainLimit: z.number().int().positive().default(3000),
    testLimit: z.number().int().positive().default(1000),
    hidden: hiddenOption([256]),
    epochs: z.number().int().positive().default(10),
    batchSize: z.number().int().positive().default(64),
    evalEpsilons: z.array(z.number().min(0)).min(1).default([0.05, 0.1, 0.15]),
    pgdSteps: z.number().int().min(0).default(10),
    regularization: regularizationOption,
  }),
  primary: { metric: 'fgsmAccuracy@0.1', goal: 'max' },
  defaultLr: (m) => (isAdaptive(m) ? 1e-3 : 0.05),
  run: (config, options, hooks) => runAdversarialFmnist(config, options as unknown as AdversarialFmnistOptions, hooks),
};

// ---- the reproduction ------------------------------------------------------------------------

export function adversarialRegularizers(scale: Scale): Regularizer[] {
  const list: Regularizer[] = [
    { key: 'baseline', label: 'standard training', config: {} },
    { key: 'fgsm', label: 'FGSM adversarial training ε=0.1', config: { adversarial: { attack: 'fgsm', epsilon: 0.1, cleanWeight: 0.5 } } },
  ];
  if (scale === 'full') list.push({ key: 'pgd', label: 'PGD adversarial training ε=0.1', config: { adversarial: { attack: 'pgd', epsilon: 0.1, steps: 7, stepSize: 0.025, cleanWeight: 0 } } });
  return list;
}

/** The task's options (less the regularization, which varies), the seeds and Adam's lr. */
export type AdversarialSettings = Omit<AdversarialFmnistOptions, 'regularization'> & { seeds: number; lr: number };

export function adversarialSettings(scale: Scale): AdversarialSettings {
  return scale === 'full'
    ? { trainLimit: 6000, testLimit: 1000, hidden: [256], epochs: 10, batchSize: 64, evalEpsilons: [0.025, 0.05, 0.1, 0.15, 0.2], pgdSteps: 10, seeds: 2, lr: 1e-3 }
    : { trainLimit: 1000, testLimit: 300, hidden: [128], epochs: 5, batchSize: 50, evalEpsilons: [0.1], pgdSteps: 5, seeds: 1, lr: 1e-3 };
}

export function adversarialTrials(scale: Scale): TrialConfig[] {
  const s = adversarialSettings(scale);
  const base = { trainLimit: s.trainLimit, testLimit: s.testLimit, hidden: s.hidden, epochs: s.epochs, batchSize: s.batchSize, evalEpsilons: s.evalEpsilons, pgdSteps: s.pgdSteps };
  return regularizerTrials('adversarial-fmnist', adversarialRegularizers(scale), base, s.seeds, s.lr);
}

function byKey(groups: Group[], key: string): Group | undefined {
  return groups.find((g) => g.records[0].config.tags?.regularizer === key);
}

const finalsOf = (g: Group, metric: string): number[] => g.records.map((r) => r.final[metric]).filter((v): v is number => typeof v === 'number');

export const adversarialTraining: Reproduction = {
  name: 'adversarial-training',
  title: 'Adversarial training raises robust accuracy under FGSM (and PGD): an MLP on Fashion-MNIST',
  source: 'survey 000 §3.1.3 (adversarial examples, adversarial training, PGD)',
  summary: 'Standard training leaves an MLP fragile to small L∞ perturbations; training on FGSM examples (Goodfellow et al.) raises its accuracy under FGSM attack, at some cost in clean accuracy.',
  trials: adversarialTrials,
  async analyze(records, plotDir, scale): Promise<Analysis> {
    const s = adversarialSettings(scale);
    const regs = adversarialRegularizers(scale);
    const groups = groupTrials(records);
    const sink = new PlotSink(plotDir);
    const series = (attack: 'fgsm' | 'pgd'): Series[] =>
      regs
        .map((r) => byKey(groups, r.key))
        .filter((g): g is Group => g !== undefined)
        .map((g) => {
          const xs = [0, ...s.evalEpsilons];
          const per = g.records.map((r) => [r.final.cleanAccuracy as number, ...s.evalEpsilons.map((e) => r.final[`${attack}Accuracy@${e}`] as number)]);
          return { label: g.label, x: xs, mean: xs.map((_, i) => 100 * mean(per.map((p) => p[i]))), std: xs.map((_, i) => 100 * std(per.map((p) => p[i]))) };
        });
    await sink.add(curvesChart(series('fgsm'), { name: 'robust-accuracy-fgsm', title: 'Accuracy under FGSM attack against the radius ε', xTitle: 'ε (L∞, pixels in [0, 1])', yTitle: 'test accuracy (%)' }));
    await sink.add(curvesChart(series('pgd'), { name: 'robust-accuracy-pgd', title: `Accuracy under PGD attack (${s.pgdSteps} steps, random start) against ε`, xTitle: 'ε (L∞, pixels in [0, 1])', yTitle: 'test accuracy (%)' }));
    const e = s.evalEpsilons.includes(0.1) ? 0.1 : s.evalEpsilons[0];
    await sink.add(barChart(regs.map((r) => byKey(groups, r.key)).filter((g): g is Group => g !== undefined).map((g) => ({ label: g.label, mean: 100 * mean(finalsOf(g, `fgsmAccuracy@${e}`)), std: 100 * std(finalsOf(g, `fgsmAccuracy@${e}`)) })), { name: 'fgsm-accuracy-bars', title: `Accuracy under FGSM at ε = ${e}`, yTitle: 'test accuracy (%)' }));
    const headers = ['method', 'clean accuracy (%)', ...s.evalEpsilons.map((x) => `FGSM ε=${x} (%)`), ...s.evalEpsilons.map((x) => `PGD ε=${x} (%)`), 'training time (s)'];
    const pct = (v: number[]): number[] => v.map((x) => 100 * x);
    const rows = regs
      .map((r) => byKey(groups, r.key))
      .filter((g): g is Group => g !== undefined)
      .map((g) => [
        g.label,
        pct(finalsOf(g, 'cleanAccuracy')),
        ...s.evalEpsilons.map((x) => pct(finalsOf(g, `fgsmAccuracy@${x}`))),
        ...s.evalEpsilons.map((x) => pct(finalsOf(g, `pgdAccuracy@${x}`))),
        finalsOf(g, 'trainSeconds'),
      ]);
    const table = formattedTable(headers, rows, { caption: 'Clean and robust test accuracy, mean ± std over seeds', digits: { [headers.length - 1]: 3 } });
    const base = byKey(groups, 'baseline');
    const fg = byKey(groups, 'fgsm');
    const pg = byKey(groups, 'pgd');
    const claims: Claim[] = [];
    const figures: Record<string, number | null> = {};
    const m = (g: Group | undefined, k: string): number => (g ? mean(finalsOf(g, k)) : NaN);
    if (base && fg) {
      claims.push({
        claim: `FGSM adversarial training raises robust accuracy under FGSM (ε = ${e}) over standard training`,
        holds: m(fg, `fgsmAccuracy@${e}`) > m(base, `fgsmAccuracy@${e}`),
        detail: `${fmt(100 * m(fg, `fgsmAccuracy@${e}`))} % vs ${fmt(100 * m(base, `fgsmAccuracy@${e}`))} %`,
      });
      claims.push({
        claim: `FGSM adversarial training also raises accuracy under the stronger PGD attack (ε = ${e})`,
        holds: m(fg, `pgdAccuracy@${e}`) > m(base, `pgdAccuracy@${e}`),
        detail: `${fmt(100 * m(fg, `pgdAccuracy@${e}`))} % vs ${fmt(100 * m(base, `pgdAccuracy@${e}`))} %`,
      });
    }
    if (base && pg) {
      claims.push({
        claim: `PGD adversarial training (Madry et al.) raises accuracy under PGD (ε = ${e}) over standard training`,
        holds: m(pg, `pgdAccuracy@${e}`) > m(base, `pgdAccuracy@${e}`),
        detail: `${fmt(100 * m(pg, `pgdAccuracy@${e}`))} % vs ${fmt(100 * m(base, `pgdAccuracy@${e}`))} %`,
      });
    }
    for (const [k, g] of [['baseline', base], ['fgsm', fg], ['pgd', pg]] as const) {
      if (!g) continue;
      figures[`clean.${k}`] = m(g, 'cleanAccuracy');
      figures[`fgsm@${e}.${k}`] = m(g, `fgsmAccuracy@${e}`);
      figures[`pgd@${e}.${k}`] = m(g, `pgdAccuracy@${e}`);
    }
    return analysisOf(
      [
        {
          title: 'Robust accuracy with and without adversarial training',
          text: [
            `MLP ${[784, ...s.hidden, 10].join('-')} on ${s.trainLimit} training images of the built-in subset, Adam (lr ${s.lr}), ${s.epochs} epochs, batches of ${s.batchSize}, ${s.seeds} seed(s). Attacks on ${s.testLimit} test images with the model in evaluation mode; perturbed images are clipped to [0, 1].`,
            claimCount(claims),
          ],
          claims,
          tables: [table],
          plots: sink.plots,
        },
      ],
      figures,
    );
  },
};
