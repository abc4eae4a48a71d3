/**
 * The counterexample's settings (thesis 004 section 3.5.1: C = 101, δ = 0.02, α = 0.001,
 * β1 = 0, β2 = 0.999 for all three methods), their URL keys, and the three methods as the
 * lab's counterexample reproduction configures them.
 */
import type { JsonObject } from '../../../../src/lab/util.js';

export interface CounterexampleSettings {
  C: number;
  delta: number;
  beta1: number;
  beta2: number;
  /** AdaShift's shift n (keepNum). */
  n: number;
  lr: number;
  steps: number;
  seed: number;
  /** Independent copies; θ is drawn as their mean (one realization is mostly noise). */
  copies: number;
}

// 100000 steps and 32 copies: long enough for the mean θ to show the thesis' directions (about a second per method).
export const DEFAULTS: CounterexampleSettings = { C: 101, delta: 0.02, beta1: 0, beta2: 0.999, n: 1, lr: 0.001, steps: 100000, seed: 0, copies: 32 };

/** Each setting: URL key, label, bounds, integer or not, and what it is. */
export const FIELDS: readonly { key: keyof CounterexampleSettings; url: string; label: string; min: number; max: number; integer?: boolean; exclusiveMax?: boolean; doc: string }[] = [
  { key: 'C', url: 'C', label: 'C', min: 2, max: 10000, doc: 'the large gradient, seen with probability p = (1 + δ)/(C + 1)' },
  { key: 'delta', url: 'delta', label: 'δ', min: 0, max: 1, doc: 'the expected gradient: E f_t(θ) = δθ, so θ should go down to -1' },
  { key: 'beta1', url: 'b1', label: 'β1', min: 0, max: 1, exclusiveMax: true, doc: 'first-moment decay (all three methods)' },
  { key: 'beta2', url: 'b2', label: 'β2', min: 0, max: 1, exclusiveMax: true, doc: 'second-moment decay (all three methods)' },
  { key: 'n', url: 'n', label: 'n', min: 1, max: 100, integer: true, doc: "AdaShift's shift: v_t uses the gradient of n steps ago" },
  { key: 'lr', url: 'lr', label: 'α (lr)', min: 1e-6, max: 1, doc: 'the step size' },
  { key: 'steps', url: 'steps', label: 'steps', min: 10, max: 200000, integer: true, doc: 'how many online steps' },
  { key: 'seed', url: 'seed', label: 'seed', min: 0, max: 1e9, integer: true, doc: 'the random stream of the f_t (the same for every method)' },
  { key: 'copies', url: 'copies', label: 'copies', min: 1, max: 256, integer: true, doc: 'independent runs; θ is drawn as their mean, the thin line is copy 1' },
];

/** Why a value is out of bounds, or null. */
export function checkField(f: (typeof FIELDS)[number], v: number): string | null {
  if (!Number.isFinite(v)) return `${f.label} must be a number`;
  if (f.integer && !Number.isInteger(v)) return `${f.label} must be an integer`;
  if (v < f.min || (f.exclusiveMax ? v >= f.max : v > f.max)) return `${f.label} must be in [${f.min}, ${f.max}${f.exclusiveMax ? ')' : ']'}`;
  return null;
}

/** The settings in a URL state (bad or missing values are the defaults). */
export function readSettings(state: Readonly<Record<string, string>>): CounterexampleSettings {
  const out = { ...DEFAULTS };
  for (const f of FIELDS) {
    const text = state[f.url];
    if (text === undefined) continue;
    const v = Number(text);
    if (!checkField(f, v)) out[f.key] = v;
  }
  return out;
}

/** The three methods: label, registry name (or preset) and options. */
export function methods(s: CounterexampleSettings): { label: string; optimizer: string; options: JsonObject }[] {
  const betas = [s.beta1, s.beta2];
  return [
    { label: 'Adam', optimizer: 'adam', options: { lr: s.lr, betas, eps: 1e-8 } },
    { label: 'AMSGrad', optimizer: 'amsgrad', options: { lr: s.lr, betas, eps: 1e-8 } },
    { label: 'AdaShift', optimizer: 'adashift', options: { lr: s.lr, betas, keepNum: s.n, phi: 'none', eps: 1e-8 } },
  ];
}

/** The CLI commands for these settings: `descent trace` where C and δ are the lab's, else a `descent compare` spec. */
export function commandFor(s: CounterexampleSettings): string {
  const ms = methods(s);
  const flags = (o: JsonObject): string => Object.entries(o).map(([k, v]) => ` --set ${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join('');
  if (s.C === DEFAULTS.C && s.delta === DEFAULTS.delta && s.copies === 1) {
    return ms.map((m) => `npx descent trace online-stochastic --optimizer ${m.optimizer}${flags(m.options)} --steps ${s.steps} --seed ${s.seed} --json`).join('\n');
  }
  const lines = [
    `# ${s.copies} copies${s.C !== DEFAULTS.C || s.delta !== DEFAULTS.delta ? `, C = ${s.C}, δ = ${s.delta}` : ''}: a compare spec (counterexample.yaml), then npx descent compare counterexample.yaml`,
    'name: counterexample',
    'tasks:',
    `  - name: online-stochastic`,
    `    options: { C: ${s.C}, delta: ${s.delta}, steps: ${s.steps}, copies: ${s.copies} }`,
    'optimizers:',
    ...ms.map((m) => `  - { name: ${m.optimizer}, options: ${yamlFlow(m.options)} }`),
    `seeds: [${s.seed}]`,
  ];
  return lines.join('\n');
}

/** A JSON object as a YAML flow mapping (`{ lr: 0.001, betas: [0, 0.999] }`). */
function yamlFlow(o: JsonObject): string {
  return `{ ${Object.entries(o).map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`).join(', ')} }`;
}
