/**
 * Methods as the lab names them: an optimizer from the registry plus options. Besides every
 * registered optimizer name, a few presets name the classic variants ('momentum' is SGD with
 * momentum 0.9, 'nesterov' adds Nesterov's correction, 'amsgrad' is Adam's AMSGrad variant).
 */
import { createOptimizer, getOptimizerEntry, hasOptimizer, isAdaptiveOptimizer, listOptimizers, type Optimizer } from '../optim/index.js';
import type { Tensor } from '../tensor/index.js';
import { LabError, type JsonObject } from './util.js';

export interface Method {
  /** What tables and legends call it, e.g. 'momentum' or 'adam b1=0.9'. */
  label: string;
  /** Registry name passed to createOptimizer. */
  optimizer: string;
  options: JsonObject;
}

interface Resolved {
  optimizer: string;
  options: JsonObject;
}

interface Preset {
  doc: string;
  resolve(): Resolved;
}

const pick = (name: string, fallback: string, options: JsonObject): Resolved =>
  hasOptimizer(name) ? { optimizer: name, options: {} } : { optimizer: fallback, options };

const presets: Record<string, Preset> = {
  momentum: {
    doc: 'SGD with heavy-ball momentum 0.9',
    resolve: () => pick('momentum', 'sgd', { momentum: 0.9 }),
  },
  nesterov: {
    doc: "SGD with Nesterov's accelerated gradient, momentum 0.9",
    resolve: () => pick('nesterov', 'sgd', { momentum: 0.9, nesterov: true }),
  },
  amsgrad: {
    doc: 'Adam with the AMSGrad maximum of the second moment',
    resolve: () => pick('amsgrad', 'adam', { amsgrad: true }),
  },
};

/** Names a spec or a flag may use: the registry's optimizers and the presets. */
export function listMethods(): string[] {
  return [...new Set([...listOptimizers(), ...Object.keys(presets)])].sort();
}

/** Resolves a method name (registry name or preset) and user options into a {@link Method}. */
export function resolveMethod(name: string, options: JsonObject = {}, label?: string): Method {
  const key = name.trim().toLowerCase();
  let base: { optimizer: string; options: JsonObject };
  if (hasOptimizer(key)) base = { optimizer: key, options: {} };
  else if (presets[key]) base = presets[key].resolve();
  else throw new LabError(`unknown optimizer '${name}'; available: ${listMethods().join(', ')}`);
  return { label: label ?? key, optimizer: base.optimizer, options: { ...base.options, ...options } };
}

/** Builds the optimizer of a method over `params`; invalid options give a LabError naming the method. */
export function buildOptimizer(method: Method, params: Tensor[]): Optimizer<object> {
  try {
    return createOptimizer(method.optimizer, params, method.options);
  } catch (err) {
    // The optimizer's own message starts with its name; add the label only when it says more.
    const message = (err as Error).message;
    throw new LabError(message.startsWith(`${method.label}:`) ? message : `${method.label}: ${message}`);
  }
}

/**
 * Whether the method is adaptive, which decides the default learning rate a task gives it. The
 * optimizer registry says so for each entry (`isAdaptiveOptimizer`: the step is divided by a
 * gradient statistic, so the gradient's scale cancels); a wrapper answers for the optimizer it
 * wraps. The lab's only such test: tasks and reproductions call this one.
 */
export function isAdaptive(method: Method): boolean {
  return isAdaptiveOptimizer(method.optimizer, method.options);
}

/** The option table of an optimizer: name -> type text (for parsing `--set` values). */
export function optionTypes(optimizer: string): Record<string, string> {
  try {
    const entry = getOptimizerEntry(optimizer);
    return Object.fromEntries(Object.entries(entry.options).map(([k, s]) => [k, s.type]));
  } catch {
    return {};
  }
}

/** Whether the method's options name a learning rate (so no task default applies). */
export function hasLr(method: Method): boolean {
  return 'lr' in method.options;
}
