/** The PyTorch fixtures of scripts/fixtures/regularize_fixtures.py. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor, type Tensor } from '../../src/tensor/index.js';

export interface TensorJSON {
  shape: number[];
  data: number[];
}

let cache: any = null;

export function torchFixture(): any {
  cache ??= JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/regularize/torch.json', import.meta.url)), 'utf8'));
  return cache;
}

/** A float64 tensor from its JSON form. */
export function T(j: TensorJSON, requiresGrad = false): Tensor {
  return tensor(j.data, { shape: j.shape, dtype: 'float64', requiresGrad });
}

/** Asserts that fn throws an error whose message contains every fragment. */
export function throwsWith(fn: () => unknown, ...fragments: string[]): void {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof Error)) throw new Error(`expected an error mentioning ${fragments.map((f) => JSON.stringify(f)).join(', ')}; nothing was thrown`);
  for (const f of fragments) {
    if (!err.message.includes(f)) throw new Error(`error message ${JSON.stringify(err.message)} does not mention ${JSON.stringify(f)}`);
  }
}
