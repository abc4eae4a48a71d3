/**
 * The lab's gan-mixture task with the choices as options: every loss x Lipschitz method runs
 * briefly to finite figures, the options are validated as the other tasks' (unknown values and
 * options refused naming the valid ones, contradictions named), a variant's choices written out
 * run the same trial bit for bit, and per-player optimizers and network sizes take effect.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getTask } from '../../../src/lab/catalog.js';
import { executeTrial } from '../../../src/lab/execute.js';
import { MIXTURE_LIPSCHITZ, MIXTURE_LOSSES, MIXTURE_VARIANTS, MixtureRun, resolveMixture, type MixtureOptions } from '../../../src/lab/reproductions/gan/mixture-task.js';
import { expandSpec } from '../../../src/lab/spec.js';
import { parseTaskOptions } from '../../../src/lab/tasks.js';
import type { TrialConfig } from '../../../src/lab/trial.js';
import type { JsonObject } from '../../../src/lab/util.js';
import { fastBackend } from '../../gan/helpers.js';

fastBackend();

const task = getTask('gan-mixture');
const adam = { label: 'adam', optimizer: 'adam', options: { lr: 1e-3, betas: [0.5, 0.9] } };
const trial = (taskOptions: JsonObject, seed = 0): TrialConfig => ({ task: 'gan-mixture', taskOptions, method: adam, seed });
const tiny = { iterations: 3, hidden: 8, batchSize: 16, evalEvery: 2, samples: 64 };

test('every loss x every Lipschitz method runs a few iterations to finite losses and figures', () => {
  assert.equal(MIXTURE_LOSSES.length, 9);
  assert.equal(MIXTURE_LIPSCHITZ.length, 11);
  for (const loss of MIXTURE_LOSSES) {
    for (const lipschitz of MIXTURE_LIPSCHITZ) {
      const o = parseTaskOptions(task, { mixture: 'ring', loss, lipschitz, nCritic: 2, ...tiny }) as unknown as MixtureOptions;
      const run = new MixtureRun(o, adam, 1);
      while (!run.done) {
        const s = run.step();
        assert.ok(Number.isFinite(s.loss) && Number.isFinite(s.generatorLoss), `${loss} x ${lipschitz}: D ${s.loss}, G ${s.generatorLoss}`);
      }
      const out = run.finish();
      assert.deepEqual(out.steps.iteration, [2, 3], `${loss} x ${lipschitz}`);
      assert.ok(out.final.highQualityFraction >= 0 && out.final.highQualityFraction <= 1 && out.final.modes === 8, `${loss} x ${lipschitz}`);
    }
  }
});

test('the options are validated: unknown values and options name the valid ones, contradictions are named', () => {
  const expand = (options: JsonObject, optimizers: unknown[] = ['adam']): unknown => expandSpec({ tasks: [{ name: 'gan-mixture', options }], optimizers, seeds: 1 } as never);
  assert.throws(() => expand({}), /tasks\[0\]\.options\.mixture: Invalid option: expected one of "ring"\|"grid"/);
  assert.throws(() => expand({ mixture: 'ring', loss: 'wgan' }), /options\.loss: Invalid option: expected one of "nonsaturating"\|"minimax"\|"wasserstein"\|"hinge"\|"lsgan"\|"lgan-linear"\|"lgan-logsigmoid"\|"lgan-sqrt"\|"lgan-exp"/);
  assert.throws(() => expand({ mixture: 'ring', lipschitz: 'gp' }), /options\.lipschitz: Invalid option: expected one of "none"\|"wgan-gp"\|"dragan"\|"wgan-div"\|"r1"\|"r2"\|"maxgp"\|"zero-gp"\|"lp"\|"spectral"\|"clip"/);
  assert.throws(() => expand({ mixture: 'ring', normalization: 'group' }), /options\.normalization: Invalid option: expected one of "none"\|"batch"\|"layer"\|"weight"\|"spectral"/);
  assert.throws(() => expand({ mixture: 'ring', steps: 10 }), /tasks\[0\]\.options: unknown option 'steps'; valid options: mixture, variant, loss, lipschitz, lambda, normalization, iterations, hidden, layers, latentDim, batchSize, evalEvery, samples, nCritic, generatorOptimizer, discriminatorOptimizer \(task 'gan-mixture'\)/);
  assert.throws(() => expand({ mixture: 'ring', lipschitz: 'spectral', normalization: 'batch' }), /options\.normalization: lipschitz 'spectral' is the discriminator's spectral normalization; it contradicts normalization 'batch'/);
  assert.throws(() => expand({ mixture: 'ring', lipschitz: 'none', lambda: 2 }), /options\.lambda: lambda \(2\) is a penalty's weight or the clipping bound; lipschitz 'none' has none/);
  assert.throws(() => expand({ mixture: 'ring', lipschitz: 'clip', lambda: 0 }), /lambda is the clipping bound c of lipschitz 'clip' and must be positive, got 0/);
  assert.throws(() => expand({ mixture: 'ring', discriminatorOptimizer: { name: 'adamm' } }), /options\.discriminatorOptimizer: unknown optimizer 'adamm'; available: adabelief/);
  assert.throws(() => expand({ mixture: 'ring', generatorOptimizer: { name: 'adam', options: { betas: 3 } } }), /options\.generatorOptimizer: adam: option 'betas' must be a pair of numbers in \[0, 1\), got 3/);
  assert.throws(() => expand({ mixture: 'ring', discriminatorOptimizer: { name: 'adam', lr: 1 } }), /discriminatorOptimizer: Unrecognized key: "lr"/);
  assert.throws(() => expand({ mixture: 'ring', discriminatorOptimizer: { name: 'lbfgs' } }), /options\.discriminatorOptimizer: the GAN trainer steps each player on its gradients alone, with no closure: lbfgs\.step: needs a closure/);
  // The spec keeps the options as written: the trial id is of what the user wrote.
  const [t] = expand({ mixture: 'grid', loss: 'lsgan', lipschitz: 'r1', lambda: 2 }) as TrialConfig[];
  assert.deepEqual(t.taskOptions, { mixture: 'grid', loss: 'lsgan', lipschitz: 'r1', lambda: 2 });
});

test('a variant is its choices: each one written out runs the same trial, bit for bit; a choice overrides a variant', async () => {
  for (const [variant, v] of Object.entries(MIXTURE_VARIANTS)) {
    const explicit: JsonObject = { mixture: 'ring', loss: v.loss, lipschitz: v.lipschitz, nCritic: v.nCritic, ...(v.lambda !== null ? { lambda: v.lambda } : {}), ...tiny };
    const a = await executeTrial(trial({ mixture: 'ring', variant, ...tiny }, 2));
    const b = await executeTrial(trial(explicit, 2));
    assert.equal(a.status, 'done', a.error);
    assert.notEqual(a.id, b.id, 'different options as written, different ids');
    assert.deepEqual(b.steps, a.steps, variant);
    assert.deepEqual(b.final, a.final, variant);
    assert.deepEqual(b.extra, a.extra, variant);
  }
  // Overrides: WGAN-GP's λ, and its Lipschitz method replaced (its λ does not carry over).
  assert.deepEqual(resolveMixture({ variant: 'wgan-gp', loss: null, lipschitz: null, lambda: 3, normalization: null, nCritic: null }).penalty, { name: 'wgan-gp', weight: 3 });
  const lp = resolveMixture({ variant: 'lgan-maxgp', loss: null, lipschitz: 'lp', lambda: null, normalization: null, nCritic: 2 });
  assert.deepEqual([lp.loss, lp.penalty, lp.nCritic, lp.normalization], ['lgan-exp', 'lp', 2, 'none']);
  const sn = resolveMixture({ variant: null, loss: 'hinge', lipschitz: 'spectral', lambda: null, normalization: null, nCritic: null });
  assert.deepEqual([sn.normalization, sn.penalty, sn.clip, sn.nCritic], ['spectral', null, null, 1]);
  assert.equal(resolveMixture({ variant: null, loss: null, lipschitz: 'clip', lambda: null, normalization: null, nCritic: null }).clip, 0.01);
});

test('the networks\' sizes, the normalization and each player\'s optimizer take effect', () => {
  const o = parseTaskOptions(task, { ...tiny, mixture: 'grid', hidden: 10, layers: 2, latentDim: 3, normalization: 'layer', generatorOptimizer: { name: 'sgd', options: { momentum: 0.5 } }, discriminatorOptimizer: { name: 'rmsprop', options: { lr: 0.01 } } }) as unknown as MixtureOptions;
  const run = new MixtureRun(o, adam, 0);
  assert.equal(run.trainer.latentDim, 3);
  assert.equal(run.discriminator.norms.length, 2);
  assert.equal(run.generator.parameters()[0].size()[1], 3, 'the generator reads a 3-d latent');
  const g = run.trainer.generatorOptimizer as unknown as { constructor: { name: string }; defaults: Record<string, unknown> };
  const d = run.trainer.discriminatorOptimizer as unknown as { constructor: { name: string }; defaults: Record<string, unknown> };
  assert.match(g.constructor.name, /SGD/i);
  assert.equal(g.defaults.lr, 1e-3, 'a player optimizer without an lr gets the task default');
  assert.equal(g.defaults.momentum, 0.5);
  assert.match(d.constructor.name, /RMSprop/i);
  assert.equal(d.defaults.lr, 0.01);
  while (!run.done) run.step();
  assert.ok(Number.isFinite(run.finish().final.highQualityFraction));
});
