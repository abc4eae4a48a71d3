/**
 * A declarative regularization configuration: what a lab spec (or any JSON) names, and what
 * the training loops of train.ts apply. Every field is optional; an empty object is the
 * unregularized baseline.
 *
 * ```yaml
 * tasks:
 *   - name: regularize-fmnist
 *     options:
 *       trainLimit: 500
 *       regularization: { l2: 1.0e-3, dropout: 0.5, augment: { crop: 2, flip: true }, earlyStopping: { patience: 10 } }
 * ```
 *
 * | field            | method                                                            |
 * | ---------------- | ----------------------------------------------------------------- |
 * | l2, l1           | penalty in the loss, (λ/2)Σw² and λΣ|w|, on the weights            |
 * | weightDecay      | decoupled weight decay θ ← (1 - lr·λ)θ after each step, weights    |
 * | maxNorm          | max-norm projection of each unit's incoming weights after each step |
 * | dropout          | inverted dropout after every hidden activation (rate in [0, 1))    |
 * | inputDropout     | inverted dropout on the inputs                                     |
 * | dropConnect      | DropConnect on the hidden Linear layers' weights                   |
 * | inputNoise       | Gaussian noise of this std on the inputs (per batch)               |
 * | hiddenNoise      | Gaussian noise of this std after every hidden activation           |
 * | weightNoise      | Gaussian noise of this std on the weights for each forward/backward |
 * | labelSmoothing   | cross-entropy with smoothed targets                                |
 * | labelNoise       | a fraction of each batch's labels flipped                          |
 * | activationL1     | L1 penalty on the hidden activations                               |
 * | augment          | { crop, flip, rotate, translate, cutout, mixup, cutmix } (images)  |
 * | earlyStopping    | { patience, minDelta, metric }: on the validation set, best restored |
 * | adversarial      | { attack, epsilon, cleanWeight, steps, stepSize }: adversarial training |
 */
import { z } from 'zod';
import type { BatchAugment } from '../data/index.js';
import { composeAugment, cutmix, cutout, horizontalFlip, mixup, randomAffine, randomCrop } from './augment.js';
import { labelNoise, inputNoise } from './noise.js';
import { checkChoice, checkCount, checkNonNegative, checkNumber, checkOptions, checkPositive, checkPositiveInt, checkProbability, checkRate } from './validate.js';

export interface AugmentConfig {
  /** Random crop with this padding (pixels). */
  crop?: number;
  /** Random horizontal flips (p = 0.5). */
  flip?: boolean;
  /** Random rotations up to ± this many degrees. */
  rotate?: number;
  /** Random translations up to ± this fraction of the size. */
  translate?: number;
  /** Cutout with a square of this side. */
  cutout?: number;
  /** Mixup with Beta(α, α), α this value. */
  mixup?: number;
  /** CutMix with Beta(α, α), α this value. */
  cutmix?: number;
}

export interface EarlyStoppingConfig {
  patience?: number;
  minDelta?: number;
  /** The validation metric: 'loss' (min; default) or 'accuracy' (max). */
  metric?: 'loss' | 'accuracy';
}

export interface AdversarialConfig {
  attack?: 'fgsm' | 'pgd';
  epsilon: number;
  cleanWeight?: number;
  steps?: number;
  stepSize?: number;
}

export interface RegularizationConfig {
  l2?: number;
  l1?: number;
  weightDecay?: number;
  maxNorm?: number;
  dropout?: number;
  inputDropout?: number;
  dropConnect?: number;
  inputNoise?: number;
  hiddenNoise?: number;
  weightNoise?: number;
  labelSmoothing?: number;
  labelNoise?: number;
  activationL1?: number;
  augment?: AugmentConfig;
  earlyStopping?: EarlyStoppingConfig | boolean;
  adversarial?: AdversarialConfig;
}

const CONFIG_KEYS = ['l2', 'l1', 'weightDecay', 'maxNorm', 'dropout', 'inputDropout', 'dropConnect', 'inputNoise', 'hiddenNoise', 'weightNoise', 'labelSmoothing', 'labelNoise', 'activationL1', 'augment', 'earlyStopping', 'adversarial'] as const;
const AUGMENT_KEYS = ['crop', 'flip', 'rotate', 'translate', 'cutout', 'mixup', 'cutmix'] as const;
const EARLY_STOPPING_KEYS = ['patience', 'minDelta', 'metric'] as const;
const ADVERSARIAL_KEYS = ['attack', 'epsilon', 'cleanWeight', 'steps', 'stepSize'] as const;

interface Issue {
  path: string[];
  message: string;
}

function collect(issues: Issue[], path: string[], fn: () => void): void {
  try {
    fn();
  } catch (e) {
    issues.push({ path, message: (e as Error).message });
  }
}

/** Every problem of a configuration (empty when valid), each with the field's path. */
export function regularizationIssues(c: RegularizationConfig): Issue[] {
  const op = 'regularization';
  const issues: Issue[] = [];
  // Unknown fields (a misspelt method would otherwise train the baseline silently).
  collect(issues, [], () => checkOptions(op, c, CONFIG_KEYS));
  const num = (key: keyof RegularizationConfig, check: (op: string, name: string, v: unknown) => number): void => {
    if (c[key] !== undefined) collect(issues, [key], () => check(op, key, c[key]));
  };
  for (const k of ['l2', 'l1', 'weightDecay', 'inputNoise', 'hiddenNoise', 'weightNoise', 'activationL1'] as const) num(k, checkNonNegative);
  for (const k of ['dropout', 'inputDropout', 'dropConnect'] as const) num(k, checkRate);
  num('maxNorm', checkPositive);
  num('labelSmoothing', checkProbability);
  num('labelNoise', checkProbability);
  if (c.augment) {
    const a = c.augment;
    collect(issues, ['augment'], () => checkOptions(`${op}.augment`, a, AUGMENT_KEYS));
    const at = (k: keyof AugmentConfig, f: () => void): void => collect(issues, ['augment', k], f);
    if (a.crop !== undefined) at('crop', () => checkCount(`${op}.augment`, 'crop', a.crop));
    if (a.rotate !== undefined) at('rotate', () => checkNumber(`${op}.augment`, 'rotate', a.rotate, { min: 0, max: 180 }));
    if (a.translate !== undefined) at('translate', () => checkNumber(`${op}.augment`, 'translate', a.translate, { min: 0, max: 1 }));
    if (a.cutout !== undefined) at('cutout', () => checkPositiveInt(`${op}.augment`, 'cutout', a.cutout));
    if (a.mixup !== undefined) at('mixup', () => checkPositive(`${op}.augment`, 'mixup', a.mixup));
    if (a.cutmix !== undefined) at('cutmix', () => checkPositive(`${op}.augment`, 'cutmix', a.cutmix));
  }
  if (c.earlyStopping && typeof c.earlyStopping === 'object') {
    const e = c.earlyStopping;
    collect(issues, ['earlyStopping'], () => checkOptions(`${op}.earlyStopping`, e, EARLY_STOPPING_KEYS));
    if (e.patience !== undefined) collect(issues, ['earlyStopping', 'patience'], () => checkCount(`${op}.earlyStopping`, 'patience', e.patience));
    if (e.minDelta !== undefined) collect(issues, ['earlyStopping', 'minDelta'], () => checkNonNegative(`${op}.earlyStopping`, 'minDelta', e.minDelta));
    if (e.metric !== undefined) collect(issues, ['earlyStopping', 'metric'], () => checkChoice(`${op}.earlyStopping`, 'metric', e.metric, ['loss', 'accuracy']));
  }
  if (c.adversarial) {
    const a = c.adversarial;
    collect(issues, ['adversarial'], () => checkOptions(`${op}.adversarial`, a, ADVERSARIAL_KEYS));
    collect(issues, ['adversarial', 'epsilon'], () => checkNonNegative(`${op}.adversarial`, 'epsilon', a.epsilon));
    if (a.attack !== undefined) collect(issues, ['adversarial', 'attack'], () => checkChoice(`${op}.adversarial`, 'attack', a.attack, ['fgsm', 'pgd']));
    if (a.cleanWeight !== undefined) collect(issues, ['adversarial', 'cleanWeight'], () => checkProbability(`${op}.adversarial`, 'cleanWeight', a.cleanWeight));
    if (a.steps !== undefined) collect(issues, ['adversarial', 'steps'], () => checkCount(`${op}.adversarial`, 'steps', a.steps));
    if (a.stepSize !== undefined) collect(issues, ['adversarial', 'stepSize'], () => checkNonNegative(`${op}.adversarial`, 'stepSize', a.stepSize));
  }
  return issues;
}

/** Throws a RangeError naming the first bad field of a configuration. */
export function validateRegularization(c: RegularizationConfig): RegularizationConfig {
  const issues = regularizationIssues(c);
  if (issues.length) throw new RangeError(issues.map((i) => i.message).join('; '));
  return c;
}

const n = z.number();
const augmentSchema = z
  .object({ crop: n.optional(), flip: z.boolean().optional(), rotate: n.optional(), translate: n.optional(), cutout: n.optional(), mixup: n.optional(), cutmix: n.optional() })
  .strict();

/** The zod schema of {@link RegularizationConfig} (types by zod, ranges by regularizationIssues, so messages name the range). */
export const regularizationSchema = z
  .object({
    l2: n.optional(),
    l1: n.optional(),
    weightDecay: n.optional(),
    maxNorm: n.optional(),
    dropout: n.optional(),
    inputDropout: n.optional(),
    dropConnect: n.optional(),
    inputNoise: n.optional(),
    hiddenNoise: n.optional(),
    weightNoise: n.optional(),
    labelSmoothing: n.optional(),
    labelNoise: n.optional(),
    activationL1: n.optional(),
    augment: augmentSchema.optional(),
    earlyStopping: z.union([z.boolean(), z.object({ patience: n.optional(), minDelta: n.optional(), metric: z.enum(['loss', 'accuracy']).optional() }).strict()]).optional(),
    adversarial: z.object({ attack: z.enum(['fgsm', 'pgd']).optional(), epsilon: n, cleanWeight: n.optional(), steps: n.optional(), stepSize: n.optional() }).strict().optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const issue of regularizationIssues(cfg as RegularizationConfig)) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  });

/** A short label: 'baseline', or the methods with their settings ('L2 1e-3 + dropout 0.5'). */
export function describeRegularization(c: RegularizationConfig): string {
  const parts: string[] = [];
  const add = (v: unknown, text: string): void => {
    if (v !== undefined && v !== 0 && v !== false) parts.push(text);
  };
  add(c.l2, `L2 ${c.l2}`);
  add(c.l1, `L1 ${c.l1}`);
  add(c.weightDecay, `weight decay ${c.weightDecay}`);
  add(c.maxNorm, `max-norm ${c.maxNorm}`);
  add(c.dropout, `dropout ${c.dropout}`);
  add(c.inputDropout, `input dropout ${c.inputDropout}`);
  add(c.dropConnect, `DropConnect ${c.dropConnect}`);
  add(c.inputNoise, `input noise σ=${c.inputNoise}`);
  add(c.hiddenNoise, `hidden noise σ=${c.hiddenNoise}`);
  add(c.weightNoise, `weight noise σ=${c.weightNoise}`);
  add(c.labelSmoothing, `label smoothing ${c.labelSmoothing}`);
  add(c.labelNoise, `label noise ${c.labelNoise}`);
  add(c.activationL1, `activation L1 ${c.activationL1}`);
  if (c.augment) {
    const a = c.augment;
    const aug = [
      a.crop !== undefined ? `crop ${a.crop}` : '',
      a.flip ? 'flip' : '',
      a.rotate ? `rotate ${a.rotate}°` : '',
      a.translate ? `translate ${a.translate}` : '',
      a.cutout ? `cutout ${a.cutout}` : '',
      a.mixup ? `mixup ${a.mixup}` : '',
      a.cutmix ? `cutmix ${a.cutmix}` : '',
    ].filter(Boolean);
    if (aug.length) parts.push(`augment (${aug.join(', ')})`);
  }
  if (c.earlyStopping) parts.push(`early stopping${typeof c.earlyStopping === 'object' && c.earlyStopping.patience !== undefined ? ` (patience ${c.earlyStopping.patience})` : ''}`);
  if (c.adversarial) parts.push(`${(c.adversarial.attack ?? 'fgsm').toUpperCase()} adversarial training ε=${c.adversarial.epsilon}`);
  return parts.length ? parts.join(' + ') : 'baseline';
}

/**
 * The DataLoader augmentation of a configuration (image augmentations, input noise, label
 * noise), or undefined when there is none. Image augmentations need x [N, C, H, W];
 * mixup/cutmix need numClasses.
 */
export function augmentationOf(c: RegularizationConfig, numClasses?: number): BatchAugment | undefined {
  const list: BatchAugment[] = [];
  const a = c.augment ?? {};
  if (a.crop) list.push(randomCrop({ padding: a.crop }));
  if (a.flip) list.push(horizontalFlip());
  if (a.rotate || a.translate) list.push(randomAffine({ degrees: a.rotate ?? 0, translate: [a.translate ?? 0, a.translate ?? 0] }));
  if (a.cutout) list.push(cutout({ size: a.cutout }));
  // Zero-mean additive noise (not clipped: clipping to the input range would shift the mean of
  // dark pixels, a train/test mismatch rather than a regularizer).
  if (c.inputNoise) list.push(inputNoise(c.inputNoise));
  if (c.labelNoise) {
    if (!numClasses) throw new RangeError('regularization: labelNoise needs a classification task');
    list.push(labelNoise(c.labelNoise, numClasses));
  }
  if (a.mixup || a.cutmix) {
    if (!numClasses) throw new RangeError('regularization: mixup and cutmix need a classification task');
    if (a.mixup) list.push(mixup({ alpha: a.mixup, numClasses }));
    if (a.cutmix) list.push(cutmix({ alpha: a.cutmix, numClasses }));
  }
  return list.length ? composeAugment(...list) : undefined;
}
