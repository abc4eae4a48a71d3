/**
 * The class-conditional objectives of thesis 004 chapter 4, on the discriminator's raw logits:
 *
 * - AC-GAN (Odena et al. 2017, as the thesis rewrites it in eq. 4-7 to 4-11): the discriminator
 *   outputs [adversarial logit, K class logits]. D: the GAN objective on the adversarial logit
 *   plus the auxiliary classifier's cross-entropy H(u(y), C(x)) on real data (4-11); G: the GAN
 *   generator loss plus H(u(y), C(G(z))) (4-8). Options restore Odena et al.'s classifier loss on
 *   generated samples (the thesis drops it, §4.2.2) and add the adversarial classifier term
 *   H(u(·), C(G(z))) of eq. 4-24 (AC-GAN⁺, u(·) uniform).
 * - AM-GAN (eq. 4-17, 4-18): K + 1 logits, the last one "fake". D: H(v(y), D(x)) on real data
 *   plus H(v(K+1), D(G(z))); G: H(v(y), D(G(z))) with y the generator's label or, with dynamic
 *   labels, y(x) = argmax over the K real classes of D(x) (eq. 4-23).
 *
 * Labels are float tensors of class indices in [0, K); every term is averaged over the batch.
 */
import { crossEntropy } from '../nn/index.js';
import { noGrad, Tensor } from '../tensor/index.js';
import type { GanLoss } from './losses.js';

/** Float tensor of class indices [n]. */
export function labelTensor(values: ArrayLike<number>): Tensor {
  return new Tensor(Float32Array.from(values), [values.length]);
}

/** AC-GAN's adversarial logit [N] from its outputs [N, 1 + K]. */
export function acganAdversarial(out: Tensor): Tensor {
  return out.slice(1, 0, 1).reshape(out.shape[0]);
}

/** AC-GAN's class logits [N, K] from its outputs [N, 1 + K]. */
export function acganClassLogits(out: Tensor, numClasses: number): Tensor {
  return out.slice(1, 1, 1 + numClasses);
}

export interface AcganOptions {
  numClasses: number;
  /** Weight of the classifier terms (default 1). */
  classWeight?: number;
  /** Odena et al.'s H(u(y), C(G(z))) in D's loss (default false, as in the thesis). */
  fakeClassLoss?: boolean;
  /** Eq. 4-24: H(u(·), C(G(z))) with u(·) uniform in D's loss (default false). */
  adversarialClassifier?: boolean;
}

/** AC-GAN's discriminator loss (eq. 4-9 to 4-11, with the options above). */
export function acganDiscriminatorLoss(loss: GanLoss, outReal: Tensor, outFake: Tensor, realLabels: Tensor, fakeLabels: Tensor, o: AcganOptions): Tensor {
  const k = o.numClasses;
  const w = o.classWeight ?? 1;
  let total = loss.discriminator(acganAdversarial(outReal), acganAdversarial(outFake));
  total = total.add(crossEntropy(acganClassLogits(outReal, k), realLabels).mul(w));
  if (o.fakeClassLoss) total = total.add(crossEntropy(acganClassLogits(outFake, k), fakeLabels).mul(w));
  if (o.adversarialClassifier) {
    const uniformTarget = Tensor.fill([outFake.shape[0], k], 1 / k);
    total = total.add(crossEntropy(acganClassLogits(outFake, k), uniformTarget).mul(w));
  }
  return total;
}

/** AC-GAN's generator loss (eq. 4-7, 4-8): the GAN generator loss plus H(u(y), C(G(z))). */
export function acganGeneratorLoss(loss: GanLoss, outFake: Tensor, labels: Tensor, o: AcganOptions): Tensor {
  return loss.generator(acganAdversarial(outFake)).add(crossEntropy(acganClassLogits(outFake, o.numClasses), labels).mul(o.classWeight ?? 1));
}

/**
 * AM-GAN's adversarial output [N] from its K + 1 logits: log(D_r / D_{K+1}) with
 * D_r = Σ_{k ≤ K} D_k, i.e. logsumexp of the K real logits minus the fake logit.
 */
export function amganAdversarial(out: Tensor, numClasses: number): Tensor {
  return out.slice(1, 0, numClasses).logSumExp(1).sub(out.slice(1, numClasses, numClasses + 1).reshape(out.shape[0]));
}

/** AM-GAN's discriminator loss (eq. 4-18): H(v(y), D(x)) + H(v(K+1), D(G(z))). */
export function amganDiscriminatorLoss(outReal: Tensor, outFake: Tensor, realLabels: Tensor, numClasses: number): Tensor {
  const fakeClass = labelTensor(new Array<number>(outFake.shape[0]).fill(numClasses));
  return crossEntropy(outReal, realLabels).add(crossEntropy(outFake, fakeClass));
}

/** The dynamic labels of eq. 4-23: argmax over the K real classes of the logits [N, K + 1]. */
export function amganDynamicLabels(out: Tensor, numClasses: number): Tensor {
  return labelTensor(noGrad(() => out.slice(1, 0, numClasses).argmax(1)).data);
}

/** AM-GAN's generator loss (eq. 4-17): H(v(y), D(G(z))), y the given labels or the dynamic ones (eq. 4-23). */
export function amganGeneratorLoss(outFake: Tensor, labels: Tensor, numClasses: number, dynamicLabels = false): Tensor {
  return crossEntropy(outFake, dynamicLabels ? amganDynamicLabels(outFake, numClasses) : labels);
}
