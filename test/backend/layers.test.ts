/**
 * The backend is the bottom layer: nothing under src/backend imports from the tensor, nn or
 * optim layers (the storage type and stride helper the kernels need live in src/backend), and
 * the engine's kernel interface carries no optimizer update.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { jsKernels } from '../../src/backend/js/index.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('src/backend imports nothing from src/tensor, src/nn or src/optim', () => {
  const offending: string[] = [];
  for (const file of sources('src/backend')) {
    for (const m of readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)) {
      if (/^(\.\.\/)+(tensor|nn|optim)\//.test(m[1])) offending.push(`${file}: ${m[1]}`);
    }
  }
  assert.deepEqual(offending, []);
});

test('the engine kernels have no fused optimizer updates (they live in OptimizerKernels)', () => {
  for (const name of ['adam', 'sgd', 'rmsprop', 'adagrad']) assert.equal(name in jsKernels, false, name);
});
