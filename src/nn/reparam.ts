/**
 * Weight reparametrizations that wrap any layer with a weight (survey section 2.1.2):
 *
 * - weight normalization (Salimans and Kingma 2016): w = g v / ||v||, with the norm over every
 *   axis but `dim`; `name_g` and `name_v` become the parameters;
 * - spectral normalization (Miyato et al. 2018): w = w_orig / sigma(w_orig), with the largest
 *   singular value sigma estimated by power iteration on the matrix view of w_orig ([size(dim),
 *   rest]) with persistent vectors `name_u`, `name_v` (buffers); in training every forward runs
 *   `nPowerIterations` iterations first, in eval mode the stored vectors are used as they are.
 *
 * Both follow PyTorch's torch.nn.utils.weight_norm / spectral_norm: the same parameter and
 * buffer names (so state dicts line up), the same formulas. The layer's `weight` becomes a
 * computed tensor, refreshed by a forward pre-hook.
 */
import { defaultGenerator, noGrad, Tensor, zeros, type Generator } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import { ConvTranspose2d } from './layers.js';
import { Module, type HookHandle } from './module.js';

interface Installed {
  kind: 'weightNorm' | 'spectralNorm';
  handle: HookHandle;
  compute: (training: boolean) => Tensor;
}

const installed = new WeakMap<Module, Map<string, Installed>>();

function slot(module: Module): Record<string, unknown> {
  return module as unknown as Record<string, unknown>;
}

function takeParameter(module: Module, name: string, op: string): Tensor {
  if (!(module instanceof Module)) throw new TypeError(`${op}: expected a Module`);
  if (installed.get(module)?.has(name)) throw new Error(`${op}: '${name}' of this ${module.constructor.name} is already reparametrized (${installed.get(module)!.get(name)!.kind})`);
  const w = slot(module)[name];
  const own = module.namedParameters({ recurse: false }).find(([n]) => n === name);
  if (!(w instanceof Tensor) || !own) {
    throw new Error(`${op}: ${module.constructor.name} has no parameter '${name}' (its parameters: ${module.namedParameters({ recurse: false }).map(([n]) => n).join(', ') || 'none'})`);
  }
  return w;
}

function install(module: Module, name: string, kind: Installed['kind'], compute: (training: boolean) => Tensor): void {
  slot(module)[name] = compute(false);
  const handle = module.registerForwardPreHook((m) => {
    slot(m)[name] = compute(m.training);
  });
  if (!installed.has(module)) installed.set(module, new Map());
  installed.get(module)!.set(name, { kind, handle, compute });
}

/** Axes of a tensor of rank `rank` other than `dim` (all axes when dim is null). */
function otherAxes(rank: number, dim: number | null): number[] {
  return Array.from({ length: rank }, (_, i) => i).filter((i) => i !== dim);
}

function normalizeDim(dim: number | null, rank: number, op: string): number | null {
  if (dim === null) return null;
  if (!Number.isInteger(dim) || dim < -rank || dim >= rank) throw new RangeError(`${op}: dim ${dim} is out of range for a weight of rank ${rank}`);
  return dim < 0 ? dim + rank : dim;
}

export interface WeightNormOptions {
  /** The parameter to reparametrize (default 'weight'). */
  name?: string;
  /** The axis kept by the norm (default 0: one g per output unit); null for one norm over the whole tensor. */
  dim?: number | null;
}

/**
 * Reparametrizes `module`'s weight as g v / ||v|| (weight normalization); returns the module.
 * `weightNorm(m)`, `weightNorm(m, 'weight')` and `weightNorm(m, { name, dim })` all work.
 */
export function weightNorm<M extends Module>(module: M, nameOrOptions: string | WeightNormOptions = {}): M {
  const options: WeightNormOptions = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
  checkOptions('weightNorm', options, ['name', 'dim']);
  const name = options.name ?? 'weight';
  const w = takeParameter(module, name, 'weightNorm');
  const dim = normalizeDim(options.dim === undefined ? 0 : options.dim, w.ndim, 'weightNorm');
  const axes = otherAxes(w.ndim, dim);
  const v = w.detach().clone();
  const g = noGrad(() => (dim === null ? v.norm(2) : v.norm(2, axes, true)));
  module.unregister(name, false);
  module.registerParameter(`${name}_g`, g.detach());
  module.registerParameter(`${name}_v`, v);
  install(module, name, 'weightNorm', () => {
    const gg = slot(module)[`${name}_g`] as Tensor;
    const vv = slot(module)[`${name}_v`] as Tensor;
    const n = dim === null ? vv.norm(2) : vv.norm(2, axes, true);
    return vv.mul(gg.div(n));
  });
  return module;
}

/** Undoes {@link weightNorm}: the current g v / ||v|| becomes the plain parameter again. */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  return remove(module, name, 'weightNorm', [`${name}_g`, `${name}_v`]);
}

export interface SpectralNormOptions {
  name?: string;
  /** Power iterations per training forward (default 1). */
  nPowerIterations?: number;
  /** Floor of the norms in the normalizations (default 1e-12). */
  eps?: number;
  /** The axis that indexes the output units (default 0; 1 for ConvTranspose2d, whose weight is [in, out, ...]). */
  dim?: number;
  /** Seeds the initial u and v (default: the global generator). */
  generator?: Generator;
}

/** Divides a vector by max(||x||, eps), in place. */
function normalizeInPlace(x: Tensor['data'], eps: number): void {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  const n = Math.max(Math.sqrt(s), eps);
  for (let i = 0; i < x.length; i++) x[i] /= n;
}

/** Reparametrizes `module`'s weight as w_orig / sigma(w_orig) (spectral normalization); returns the module. */
export function spectralNorm<M extends Module>(module: M, options: SpectralNormOptions = {}): M {
  checkOptions('spectralNorm', options, ['name', 'nPowerIterations', 'eps', 'dim', 'generator']);
  const name = options.name ?? 'weight';
  const nIter = options.nPowerIterations ?? 1;
  const eps = options.eps ?? 1e-12;
  if (!Number.isInteger(nIter) || nIter < 0) throw new RangeError(`spectralNorm: nPowerIterations must be a non-negative integer, got ${nIter}`);
  const w = takeParameter(module, name, 'spectralNorm');
  if (w.ndim < 1) throw new RangeError('spectralNorm: the weight must have at least one dimension');
  const dim = normalizeDim(options.dim ?? (module instanceof ConvTranspose2d ? 1 : 0), w.ndim, 'spectralNorm')!;
  const h = w.shape[dim];
  const cols = w.numel() / h;
  const g = options.generator ?? defaultGenerator();
  const u = zeros([h], { dtype: w.dtype });
  const v = zeros([cols], { dtype: w.dtype });
  for (let i = 0; i < h; i++) u.data[i] = g.normal();
  for (let i = 0; i < cols; i++) v.data[i] = g.normal();
  normalizeInPlace(u.data, eps);
  normalizeInPlace(v.data, eps);
  module.unregister(name, false);
  module.registerParameter(`${name}_orig`, w);
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  const perm = [dim, ...otherAxes(w.ndim, dim)];
  install(module, name, 'spectralNorm', (training) => {
    const orig = slot(module)[`${name}_orig`] as Tensor;
    const uu = slot(module)[`${name}_u`] as Tensor;
    const vv = slot(module)[`${name}_v`] as Tensor;
    const mat = (dim === 0 ? orig : orig.permute(perm)).reshape(h, cols);
    if (training && nIter > 0) {
      noGrad(() => {
        const m = mat.detach();
        for (let it = 0; it < nIter; it++) {
          // v = normalize(W^T u), u = normalize(W v)
          const nv = m.T.matmul(uu.detach().to(m.dtype)).data;
          normalizeInPlace(nv, eps);
          vv.data.set(nv);
          const nu = m.matmul(vv.detach().to(m.dtype)).data;
          normalizeInPlace(nu, eps);
          uu.data.set(nu);
        }
      });
    }
    const uc = uu.detach().clone().to(orig.dtype);
    const vc = vv.detach().clone().to(orig.dtype);
    const sigma = uc.dot(mat.matmul(vc));
    return orig.div(sigma);
  });
  return module;
}

/** Undoes {@link spectralNorm}: the current w_orig / sigma becomes the plain parameter again. */
export function removeSpectralNorm<M extends Module>(module: M, name = 'weight'): M {
  return remove(module, name, 'spectralNorm', [`${name}_orig`, `${name}_u`, `${name}_v`]);
}

function remove<M extends Module>(module: M, name: string, kind: Installed['kind'], members: string[]): M {
  const entry = installed.get(module)?.get(name);
  if (!entry || entry.kind !== kind) throw new Error(`remove${kind[0].toUpperCase()}${kind.slice(1)}: '${name}' of this ${module.constructor.name} is not reparametrized by ${kind}`);
  const w = noGrad(() => entry.compute(false)).detach().clone();
  entry.handle.remove();
  installed.get(module)!.delete(name);
  for (const m of members) module.unregister(m);
  module.registerParameter(name, w);
  return module;
}
