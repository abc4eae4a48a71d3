/**
 * The explicit catalogs: every registered name comes from one of them, nothing in src/optim
 * registers itself on import, every entry says whether it is adaptive, and users can still
 * register their own optimizers and wrappers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  createOptimizer, firstOrderOptimizers, getOptimizerEntry, isAdaptiveOptimizer, listOptimizers, Lookahead,
  registerOptimizer, registerWrapper, scheduleDefinitions, secondOrderMethods, SGD, optimizerWrappers, createSchedule, describeSchedule, listSchedules,
} from '../../src/optim/index.js';
import { tensor } from '../../src/tensor/index.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('optimizer catalogs', () => {
  test('the registry holds exactly the catalogs\' entries (before any user registration)', () => {
    const fromCatalogs = [
      ...firstOrderOptimizers.flatMap((cls) => cls.entries.map((e) => e.name)),
      ...optimizerWrappers.map((e) => e.name),
      ...secondOrderMethods.map((e) => e.name.toLowerCase()),
    ].sort();
    assert.deepEqual(listOptimizers().filter((n) => !n.startsWith('user-')), fromCatalogs);
    assert.equal(fromCatalogs.length, 34);
  });

  test('no module under src/optim registers an optimizer on import (only registry.ts defines the functions)', () => {
    const offending = sources('src/optim').filter((f) => !f.endsWith('registry.ts') && /\bregister(Optimizer|Wrapper)\(/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offending, []);
    assert.equal(sources('src/optim').some((f) => f.endsWith(join('second-order', 'register.ts'))), false);
  });

  test('a class carries its registry entries: the method and its aliases, sharing the formula', () => {
    const adam = firstOrderOptimizers.find((cls) => cls.definition.name === 'adam')!;
    assert.deepEqual(adam.entries.map((e) => e.name), ['adam', 'amsgrad']);
    assert.equal(adam.entries[1].options.amsgrad.default, true);
    assert.equal(adam.entries[1].formula, adam.entries[0].formula);
  });
});

describe('adaptive', () => {
  test('every entry says whether its step is normalized by gradient statistics', () => {
    const notAdaptive = listOptimizers().filter((n) => !getOptimizerEntry(n).adaptive);
    assert.deepEqual(notAdaptive, ['asgd', 'ema', 'gradnoise', 'lbfgs', 'lookahead', 'newton', 'newtoncg', 'nonlinearcg', 'sam', 'sgd', 'swa']);
    for (const n of ['adam', 'adamw', 'amsgrad', 'rmsprop', 'adagrad', 'adashift', 'signsgd', 'lion', 'lamb', 'lars', 'novograd', 'rprop']) {
      assert.equal(isAdaptiveOptimizer(n), true, n);
    }
    assert.equal(isAdaptiveOptimizer('SGD'), false);
  });

  test('a wrapper is as adaptive as the optimizer it wraps (sgd by default)', () => {
    assert.equal(isAdaptiveOptimizer('lookahead'), false);
    assert.equal(isAdaptiveOptimizer('lookahead', { optimizer: 'adam' }), true);
    assert.equal(isAdaptiveOptimizer('swa', { optimizer: 'lookahead', optimizerOptions: { optimizer: 'rmsprop' } }), true);
    assert.throws(() => isAdaptiveOptimizer('sam', { optimizer: 3 }), /'sam' wraps the optimizer named by its 'optimizer' option, got 3/);
  });

  test('an unknown name is refused with the valid ones listed', () => {
    assert.throws(() => isAdaptiveOptimizer('adamm'), /isAdaptiveOptimizer: unknown optimizer 'adamm'; available: adabelief, /);
  });
});

describe('user extensions', () => {
  test('registerOptimizer adds a user method; it must say whether it is adaptive', () => {
    const entry = {
      name: 'user-sgd', doc: 'SGD under another name', adaptive: false, options: SGD.definition.options,
      create: (params: Parameters<typeof createOptimizer>[1], options: Record<string, unknown>) => new SGD(params, options),
    };
    registerOptimizer(entry);
    assert.equal((createOptimizer('user-sgd' as string, [tensor([1, 2])], { lr: 0.5 }) as SGD).defaults.lr, 0.5);
    assert.equal(isAdaptiveOptimizer('user-sgd'), false);
    assert.throws(() => registerOptimizer({ ...entry, name: 'user-nameless', adaptive: undefined as unknown as boolean }),
      /registerOptimizer: 'user-nameless' needs adaptive: true or false/);
    assert.throws(() => registerOptimizer(entry), /'user-sgd' is already registered/);
  });

  test('registerWrapper adds a user wrapper that builds its inner optimizer by name', () => {
    registerWrapper('user-lookahead', 'Lookahead again', 'test', 'φ += α(θ - φ)', {}, (inner) => new Lookahead(inner, { k: 2 }));
    const opt = createOptimizer('user-lookahead' as string, [tensor([1, 2])], { optimizer: 'adam', optimizerOptions: { lr: 0.1 } }) as Lookahead;
    assert.equal(opt.inner.name, 'adam');
    assert.equal(opt.defaults.k, 2);
    assert.equal(isAdaptiveOptimizer('user-lookahead', { optimizer: 'adam' }), true);
  });
});

describe('schedule catalog', () => {
  test('createSchedule builds exactly the catalog\'s schedules, by name or by any alias', () => {
    assert.deepEqual(listSchedules(), scheduleDefinitions.map((d) => d.name).sort());
    for (const d of scheduleDefinitions) {
      for (const alias of d.aliases ?? []) assert.equal(describeSchedule(alias.toUpperCase()).name, d.name, alias);
    }
    assert.equal(createSchedule('CosineAnnealingLR' as string, { tMax: 10 }).lrAt(5, 1), 0.5);
    // @ts-expect-error not a schedule's name: the error under test is the one at run time
    assert.throws(() => createSchedule('cosin'), /createSchedule: unknown schedule 'cosin'; available: constant, cosine, /);
  });

  test('each schedule file keeps its options beside its class', () => {
    for (const d of scheduleDefinitions) {
      const file = readFileSync(join('src/optim/schedules', `${d.name}.ts`), 'utf8');
      assert.match(file, new RegExp(`export const ${d.name}Options: OptionSpecs`), d.name);
      assert.match(file, /export class \w+ extends Schedule/, d.name);
    }
  });
});
