/**
 * gan: training and evaluating generative adversarial networks. Objectives (minimax,
 * non-saturating, LSGAN, Wasserstein, hinge, and the Lipschitz GAN family of thesis 004
 * chapter 2 with checked loss metrics), Lipschitz constraints (weight clipping, the gradient
 * penalties of the survey's tables 1 and 2 including the thesis's maximum gradient penalty,
 * layer normalizations, conditional BN and self-modulation), the GANTrainer (nCritic, TTUR,
 * EMA, AC-GAN and AM-GAN), evaluation (mixture modes, IS, FID and AM Score with a classifier
 * descent trains on Fashion-MNIST), sample grids and gradient-field plots. See docs/gan.md.
 * This is the Node entry's `gan`; ./portable.ts is the part that runs anywhere.
 */
export * from './portable.js';
export * from './classifier.js';
export * from './image-files.js';
