/**
 * The GAN view's state as URL keys and its equivalent lab command: the lab's `gan-mixture` task
 * has four variants (GAN, WGAN-GP, hinge + SN, LGAN exp + MaxGP); a choice matching one gets a
 * `descent compare` spec, any other says which settings the lab can run. DOM-free.
 */
import { LIPSCHITZ, LOSSES, type GanSpec, type LipschitzChoice, type LossChoice } from './session.js';

export const DEFAULT_GAN_STATE: GanSpec = { mixture: 'ring', loss: 'nonsaturating', lipschitz: 'none', lambda: NaN, nCritic: 1, lr: 1e-3, hidden: 64, batchSize: 128, seed: 0 };

const num = (s: string | undefined, fallback: number, ok: (v: number) => boolean): number => {
  if (s === undefined || s === '') return fallback;
  const v = Number(s);
  return Number.isFinite(v) && ok(v) ? v : fallback;
};
const posInt = (v: number): boolean => Number.isInteger(v) && v > 0;

/** Reads the state from URL keys; a missing or invalid key keeps its default. */
export function parseGanState(q: Readonly<Record<string, string>>): GanSpec {
  const d = DEFAULT_GAN_STATE;
  return {
    mixture: q.mixture === 'grid' ? 'grid' : 'ring',
    loss: (LOSSES as readonly string[]).includes(q.loss) ? (q.loss as LossChoice) : d.loss,
    lipschitz: (LIPSCHITZ as readonly string[]).includes(q.lipschitz) ? (q.lipschitz as LipschitzChoice) : d.lipschitz,
    lambda: num(q.lambda, d.lambda, (v) => v >= 0),
    nCritic: num(q.ncritic, d.nCritic, posInt),
    lr: num(q.ganlr, d.lr, (v) => v > 0),
    hidden: num(q.width, d.hidden, posInt),
    batchSize: num(q.batch, d.batchSize, posInt),
    seed: num(q.ganseed, d.seed, (v) => Number.isInteger(v) && v >= 0),
  };
}

/** The URL keys of a state (λ empty for the method's default). */
export function serializeGanState(s: GanSpec): Record<string, string> {
  return {
    mixture: s.mixture, loss: s.loss, lipschitz: s.lipschitz, lambda: Number.isFinite(s.lambda) ? String(s.lambda) : '',
    ncritic: String(s.nCritic), ganlr: String(s.lr), width: String(s.hidden), batch: String(s.batchSize), ganseed: String(s.seed),
  };
}

/** The lab variant a choice equals, if any (src/lab/reproductions/gan/mixture-modes.ts MIXTURE_VARIANTS). */
export function labVariant(s: GanSpec): string | null {
  const lam = Number.isFinite(s.lambda) ? s.lambda : null;
  if (s.loss === 'nonsaturating' && s.lipschitz === 'none') return 'gan';
  if (s.loss === 'wasserstein' && s.lipschitz === 'wgan-gp' && (lam === null || lam === 10)) return 'wgan-gp';
  if (s.loss === 'hinge' && s.lipschitz === 'spectral') return 'hinge-sn';
  if (s.loss === 'lgan-exp' && s.lipschitz === 'maxgp' && (lam === null || lam === 1)) return 'lgan-maxgp';
  return null;
}

/** The `descent compare` command for the lab's gan-mixture task, or why there is none. */
export function ganCommand(s: GanSpec, iterations = 2000): string {
  const variant = labVariant(s);
  if (!variant) return `# no lab variant runs ${s.loss} with ${s.lipschitz}: the lab's gan-mixture task has gan (nonsaturating, none), wgan-gp (wasserstein, wgan-gp), hinge-sn (hinge, spectral), lgan-maxgp (lgan-exp, maxgp)`;
  const spec = {
    name: `playground-gan-${s.mixture}`,
    tasks: [{ name: 'gan-mixture', options: { mixture: s.mixture, variant, iterations, hidden: s.hidden, batchSize: s.batchSize, nCritic: s.nCritic } }],
    optimizers: [{ name: 'adam', options: { lr: s.lr, betas: [0.5, 0.9] } }],
    seeds: [s.seed],
  };
  return `echo '${JSON.stringify(spec)}' > gan.json && npx descent compare gan.json`;
}
