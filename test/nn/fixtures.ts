/** Loading the PyTorch fixtures of scripts/fixtures/nn_fixtures.py. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tensor, tensor } from '../../src/tensor/index.js';
import type { Module } from '../../src/nn/index.js';
import { assertClose } from '../helpers/close.js';

export interface TensorJSON {
  shape: number[];
  data: number[];
}

export function loadFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/nn/${name}`, import.meta.url)), 'utf8')) as T;
}

export function isTensorJSON(v: unknown): v is TensorJSON {
  return typeof v === 'object' && v !== null && Array.isArray((v as TensorJSON).shape) && Array.isArray((v as TensorJSON).data);
}

/** A float64 tensor from its JSON form. */
export function T(j: TensorJSON, requiresGrad = false): Tensor {
  return tensor(j.data, { shape: j.shape, dtype: 'float64', requiresGrad });
}

/** Options with tensors decoded. */
export function decodeOptions(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, isTensorJSON(v) ? T(v) : v]));
}

/** Copies fixture parameters into a float64 module by name (they must cover every parameter). */
export function setParams(m: Module, params: Record<string, TensorJSON>): void {
  const own = new Map(m.namedParameters());
  for (const [name, j] of Object.entries(params)) {
    const p = own.get(name);
    if (!p) throw new Error(`fixture parameter '${name}' not in the module (it has ${[...own.keys()].join(', ')})`);
    if (p.shape.join() !== j.shape.join()) throw new Error(`fixture parameter '${name}': shape [${j.shape}] vs [${p.shape}]`);
    p.data.set(j.data);
  }
}

export function close(actual: Tensor, expected: TensorJSON, what: string, tol = 1e-9): void {
  assertClose(actual, T(expected), { atol: tol, rtol: tol, what });
}
