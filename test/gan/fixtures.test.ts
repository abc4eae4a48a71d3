/**
 * Gradient penalties and GAN objectives against PyTorch (scripts/fixtures/gan_fixtures.py):
 * the penalties' values and their gradients with respect to a fixed MLP discriminator's
 * parameters (second derivatives), and each objective's value and gradients.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ganLoss, GradientPenalty, MLPDiscriminator, type GanLossSpec, type PenaltyName } from '../../src/gan/index.js';
import { Tensor, tensor } from '../../src/tensor/index.js';
import { assertClose } from '../helpers/close.js';

interface TJ {
  shape: number[];
  data: number[];
}
const load = (name: string): any => JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/gan/${name}`, import.meta.url)), 'utf8'));
const T = (j: TJ, requiresGrad = false): Tensor => tensor(j.data, { shape: j.shape, dtype: 'float64', requiresGrad });

const pen = load('penalties.json');

function net(activation: 'tanh' | 'leakyrelu'): MLPDiscriminator {
  const d = new MLPDiscriminator({ inDim: 2, hidden: 8, layers: 2, activation }).double();
  const own = new Map(d.namedParameters());
  for (const [name, j] of Object.entries(pen.nets[activation] as Record<string, TJ>)) {
    const p = own.get(name);
    assert.ok(p, `fixture parameter ${name} missing in MLPDiscriminator`);
    assert.deepEqual([...p.shape], j.shape, name);
    p.data.set(j.data);
  }
  return d;
}

test('gradient penalties: values, ‖∇f‖ and gradients w.r.t. the discriminator parameters match PyTorch', () => {
  let checked = 0;
  for (const c of pen.cases as { activation: 'tanh' | 'leakyrelu'; penalty: PenaltyName; options?: { target?: number; oneSided?: boolean }; points: string; value: number; gradNorms: number[]; grads: Record<string, TJ> }[]) {
    const d = net(c.activation);
    const p = new GradientPenalty({ name: c.penalty, weight: 1, ...(c.options ?? {}) });
    const critic = (x: Tensor): Tensor => d.forward(x).reshape(x.shape[0]);
    const r = p.at(critic, T(pen.points[c.points]));
    const what = `${c.penalty}${c.options ? JSON.stringify(c.options) : ''} on ${c.points} (${c.activation})`;
    assertClose(r.value, c.value, { rtol: 1e-9, atol: 1e-12, what: `${what} value` });
    assertClose(r.gradNorms, c.gradNorms, { rtol: 1e-9, atol: 1e-12, what: `${what} ‖∇f‖` });
    d.zeroGrad();
    r.loss.backward();
    for (const [name, param] of d.namedParameters()) {
      const expected = T(c.grads[name]);
      const got = param.grad ?? Tensor.fill(param.shape, 0, 'float64');
      assertClose(got, expected, { rtol: 1e-8, atol: 1e-11, what: `${what} d/d${name}` });
    }
    checked++;
  }
  // 8 penalties x 2 point sets (their own, real-fake) x 2 networks, plus MaxGP with K = 1 and one-sided with K = 2 on each network.
  assert.equal(checked, 36);
});

test('gradient penalties: the coefficient multiplies the term', () => {
  const d = net('tanh');
  const critic = (x: Tensor): Tensor => d.forward(x).reshape(x.shape[0]);
  const x = T(pen.points.interpolated);
  const a = new GradientPenalty({ name: 'wgan-gp' }).at(critic, x);
  assert.equal(a.loss.item(), 10 * a.value);
  const b = new GradientPenalty({ name: 'maxgp', weight: 0.3, target: 0.5 }).at(critic, x);
  const kmax = Math.max(...b.gradNorms);
  assertClose(b.value, (kmax - 0.5) ** 2, { rtol: 1e-9 });
  assertClose(b.loss.item(), 0.3 * b.value, { rtol: 1e-12 });
});

const losses = load('losses.json');

test('GAN objectives: values and gradients match PyTorch', () => {
  for (const c of losses.cases as { loss: string; discriminator: number; generator: number; dReal: TJ; dFake: TJ; gFake: TJ }[]) {
    const spec: GanLossSpec = c.loss.startsWith('lgan:') ? { name: 'lgan', metric: c.loss.slice(5) as 'exp' } : (c.loss as GanLossSpec);
    const l = ganLoss(spec);
    const r = T(losses.real, true);
    const f = T(losses.fake, true);
    const dv = l.discriminator(r, f);
    dv.backward();
    assertClose(dv.item(), c.discriminator, { rtol: 1e-12, what: `${c.loss} D loss` });
    assertClose(r.grad!, T(c.dReal), { rtol: 1e-10, atol: 1e-14, what: `${c.loss} dD/dreal` });
    assertClose(f.grad!, T(c.dFake), { rtol: 1e-10, atol: 1e-14, what: `${c.loss} dD/dfake` });
    const f2 = T(losses.fake, true);
    const gv = l.generator(f2);
    gv.backward();
    assertClose(gv.item(), c.generator, { rtol: 1e-12, what: `${c.loss} G loss` });
    assertClose(f2.grad!, T(c.gFake), { rtol: 1e-10, atol: 1e-14, what: `${c.loss} dG/dfake` });
  }
});
