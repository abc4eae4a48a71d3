/** Deterministic test inputs: float64 tensors drawn from a seeded generator. */
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

export interface DrawOptions {
  low?: number;
  high?: number;
  /** Keep every value at least this far from 0 (a kink or pole there), by pushing it outward. */
  awayFromZero?: number;
  requiresGrad?: boolean;
}

/** Uniform values in [low, high) (default [-1, 1)), float64, from a generator seeded with `seed`. */
export function draw(shape: readonly number[], seed: number, options: DrawOptions = {}): Tensor {
  const { low = -1, high = 1, awayFromZero = 0, requiresGrad = false } = options;
  const g = new Generator(seed);
  const t = Tensor.fill(shape, 0, 'float64');
  for (let i = 0; i < t.numel(); i++) {
    let v = g.uniform(low, high);
    if (awayFromZero > 0 && Math.abs(v) < awayFromZero) v = v < 0 ? v - awayFromZero : v + awayFromZero;
    t.data[i] = v;
  }
  t.requiresGrad = requiresGrad;
  return t;
}

/** A float64 tensor from explicit values. */
export function f64(values: readonly number[], shape: readonly number[] = [values.length]): Tensor {
  return new Tensor(Float64Array.from(values), shape);
}
