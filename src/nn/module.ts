/**
 * The Module base class: a model is a tree of modules, each owning parameters (tensors trained
 * by an optimizer), buffers (state that is saved but not trained, like BatchNorm's running
 * statistics) and child modules.
 *
 * Registration follows PyTorch's spirit without its `__setattr__` magic. Members are found by
 * walking a module's own enumerable properties, in property order:
 * - a {@link Module} (or an array of them) is a child; an array `layers` gives `layers.0`, ...;
 * - a tensor is a parameter when its property was registered with {@link Module.registerParameter}
 *   or when the tensor was marked with {@link parameter}; a buffer when registered with
 *   {@link Module.registerBuffer} or marked with {@link buffer}. Other tensors are ignored.
 *
 * So a model can be written with plain fields:
 *
 * ```ts
 * class Net extends Module {
 *   conv = new Conv2d(1, 8, 3);
 *   fc = new Linear(8 * 26 * 26, 10);
 *   scale = parameter(ones([10]));
 *   forward(x: Tensor): Tensor { return this.fc.forward(this.conv.forward(x).relu().flatten(1)).mul(this.scale); }
 * }
 * ```
 *
 * Names are dotted paths as in PyTorch (`conv.weight`, `0.bias`, `block.conv1.weight`).
 * TypeScript classes are not callable: `forward(...)` is the call.
 */
import { noGrad, Tensor, zeros, type DType } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';

const PARAMETERS = new WeakSet<Tensor>();
const BUFFERS = new WeakSet<Tensor>();

/** Marks `t` as a trainable parameter (sets requiresGrad) and returns it, for use in field initializers. */
export function parameter(t: Tensor, requiresGrad = true): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError('parameter: expected a Tensor');
  if (!t.isLeaf) throw new Error(`parameter: a parameter must be a leaf tensor; this one was made by '${t.gradFn?.name}' (use detach())`);
  t.requiresGrad = requiresGrad;
  PARAMETERS.add(t);
  return t;
}

/** Marks `t` as a (persistent) buffer and returns it, for use in field initializers. */
export function buffer(t: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError('buffer: expected a Tensor');
  BUFFERS.add(t);
  return t;
}

export type ForwardPreHook = (module: Module, inputs: Tensor[]) => Tensor[] | void;
export type ForwardHook = (module: Module, inputs: Tensor[], output: Tensor) => Tensor | void;

/**
 * descent's own module classes whose forward keeps no reference to its input or output beyond
 * the autograd graph (activations.ts): containers may recycle what passes between them.
 */
const ownModuleClasses = new WeakSet<abstract new (...args: never[]) => Module>();

/** Declares `classes` (descent's own, never a user's) as keeping no activations; see {@link keepsNoActivations}. */
export function declareOwnModules(...classes: (abstract new (...args: never[]) => Module)[]): void {
  for (const c of classes) ownModuleClasses.add(c);
}

/**
 * Whether `m` and every module under it are instances of descent's own classes exactly (not a
 * subclass, which could keep what it is given) with no forward hooks (which replace the
 * instance's forward): only then can nothing but the graph see what passes through `m`.
 */
export function keepsNoActivations(m: Module): boolean {
  return m.modules().every((sub) => ownModuleClasses.has(sub.constructor as abstract new (...args: never[]) => Module) && !Object.hasOwn(sub, 'forward'));
}

export interface HookHandle {
  remove(): void;
}

export interface LoadStateDictOptions {
  /** Require the keys to match exactly: no missing, no unexpected (default true). Shapes must always match. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

interface ModuleState {
  params: Set<string>;
  /** Buffer name -> persistent (saved in stateDict). */
  buffers: Map<string, boolean>;
  preHooks: Map<number, ForwardPreHook>;
  hooks: Map<number, ForwardHook>;
  nextHookId: number;
  wrapped: boolean;
}

interface OwnMembers {
  params: [string, Tensor][];
  buffers: [string, Tensor, boolean][];
  children: [string, Module][];
}

const STATE = Symbol('descent.module');

/** `sd` with each snake_case key renamed to the camelCase key of `own` it stands for. */
function camelCaseKeys(sd: Record<string, Tensor>, own: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [key, value] of Object.entries(sd)) {
    const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    out[!(key in own) && camel in own && !(camel in sd) ? camel : key] = value;
  }
  return out;
}

function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export abstract class Module {
  /** True in training mode (the default), false after {@link eval}. */
  training = true;
  private declare readonly [STATE]: ModuleState;

  constructor() {
    Object.defineProperty(this, STATE, {
      value: { params: new Set(), buffers: new Map(), preHooks: new Map(), hooks: new Map(), nextHookId: 0, wrapped: false } satisfies ModuleState,
      enumerable: false,
    });
  }

  /** The computation. Subclasses narrow the signature (e.g. `forward(x: Tensor): Tensor`). */
  abstract forward(...inputs: Tensor[]): Tensor;

  // ---- registration -----------------------------------------------------------------------

  /** Sets `this[name] = t` and registers it as a parameter (null registers an absent optional parameter, like a bias). */
  registerParameter(name: string, t: Tensor | null): Tensor | null {
    this.checkName(name, 'registerParameter');
    if (t !== null) parameter(t, t.requiresGrad || !PARAMETERS.has(t));
    this[STATE].params.add(name);
    this[STATE].buffers.delete(name);
    (this as Record<string, unknown>)[name] = t;
    return t;
  }

  /** Sets `this[name] = t` and registers it as a buffer; non-persistent buffers are left out of stateDict. */
  registerBuffer(name: string, t: Tensor | null, options: { persistent?: boolean } = {}): Tensor | null {
    checkOptions('registerBuffer', options, ['persistent']);
    this.checkName(name, 'registerBuffer');
    this[STATE].buffers.set(name, options.persistent ?? true);
    this[STATE].params.delete(name);
    (this as Record<string, unknown>)[name] = t;
    return t;
  }

  /** Sets `this[name] = m` (children are also found without registering; this is for computed names). */
  registerModule(name: string, m: Module | null): Module | null {
    this.checkName(name, 'registerModule');
    if (m !== null && !(m instanceof Module)) throw new TypeError(`registerModule: '${name}' must be a Module`);
    (this as Record<string, unknown>)[name] = m;
    return m;
  }

  /** Forgets that `name` is a parameter or buffer (the property itself is deleted too when `deleteProperty`). */
  unregister(name: string, deleteProperty = true): void {
    this[STATE].params.delete(name);
    this[STATE].buffers.delete(name);
    const value = (this as Record<string, unknown>)[name];
    if (value instanceof Tensor) {
      PARAMETERS.delete(value);
      BUFFERS.delete(value);
    }
    if (deleteProperty) delete (this as Record<string, unknown>)[name];
  }

  private checkName(name: string, op: string): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new TypeError(`${op}: name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
    }
  }

  /** This module's own parameters, buffers and children, in property order. */
  private ownMembers(): OwnMembers {
    const st = this[STATE];
    const out: OwnMembers = { params: [], buffers: [], children: [] };
    for (const key of Object.keys(this)) {
      const value = (this as Record<string, unknown>)[key];
      if (value instanceof Tensor) {
        if (st.params.has(key)) out.params.push([key, value]);
        else if (st.buffers.has(key)) out.buffers.push([key, value, st.buffers.get(key)!]);
        else if (PARAMETERS.has(value)) out.params.push([key, value]);
        else if (BUFFERS.has(value)) out.buffers.push([key, value, true]);
      } else if (value instanceof Module) {
        out.children.push([key, value]);
      } else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
        value.forEach((m: Module, i) => out.children.push([`${key}.${i}`, m]));
      }
    }
    return out;
  }

  // ---- traversal --------------------------------------------------------------------------

  /** Direct children with their names. */
  namedChildren(): [string, Module][] {
    return this.ownMembers().children;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, with dotted names ('' for this one); each module once. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [child, c] of m.namedChildren()) visit(c, name ? `${name}.${child}` : child);
    };
    visit(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with dotted names: each module's own first, then its children's; shared tensors once. */
  namedParameters(options: { recurse?: boolean } = {}): [string, Tensor][] {
    checkOptions('namedParameters', options, ['recurse']);
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = options.recurse === false ? [['', this]] : this.namedModules();
    for (const [prefix, m] of mods) {
      for (const [name, t] of m.ownMembers().params) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([prefix ? `${prefix}.${name}` : name, t]);
      }
    }
    return out;
  }

  parameters(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedParameters(options).map(([, t]) => t);
  }

  /** Buffers with dotted names (non-persistent ones included). */
  namedBuffers(options: { recurse?: boolean } = {}): [string, Tensor][] {
    checkOptions('namedBuffers', options, ['recurse']);
    const out: [string, Tensor][] = [];
    const mods: [string, Module][] = options.recurse === false ? [['', this]] : this.namedModules();
    for (const [prefix, m] of mods) {
      for (const [name, t] of m.ownMembers().buffers) out.push([prefix ? `${prefix}.${name}` : name, t]);
    }
    return out;
  }

  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(options).map(([, t]) => t);
  }

  /** The number of parameter elements (only those requiring gradients with `trainableOnly`). */
  numParameters(trainableOnly = false): number {
    return this.parameters().reduce((n, p) => n + (trainableOnly && !p.requiresGrad ? 0 : p.numel()), 0);
  }

  /** Calls fn on every module, children first then this one (as PyTorch's apply). */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  // ---- modes and gradients ----------------------------------------------------------------

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: Dropout is the identity, BatchNorm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Sets requiresGrad on every parameter (false freezes the module). */
  requiresGrad_(on = true): this {
    for (const p of this.parameters()) p.requiresGrad = on;
    return this;
  }

  /** Converts every parameter and buffer to `dtype` (new leaf tensors; gradients are dropped). */
  to(dtype: DType): this {
    for (const [, m] of this.namedModules()) {
      const own = m.ownMembers();
      const st = m[STATE];
      for (const [name, t] of own.params) {
        if (t.dtype === dtype) continue;
        const next = t.detach().to(dtype);
        parameter(next, t.requiresGrad);
        st.params.add(name);
        (m as unknown as Record<string, unknown>)[name] = next;
      }
      for (const [name, t, persistent] of own.buffers) {
        if (t.dtype === dtype) continue;
        const next = t.detach().to(dtype);
        BUFFERS.add(next);
        st.buffers.set(name, persistent);
        (m as unknown as Record<string, unknown>)[name] = next;
      }
    }
    return this;
  }

  double(): this {
    return this.to('float64');
  }

  float(): this {
    return this.to('float32');
  }

  // ---- state ------------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by dotted name: each module's parameters, then its
   * buffers, then its children's, as PyTorch orders them. The tensors share storage with the
   * model (clone them for a snapshot).
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [prefix, m] of this.namedModules()) {
      const own = m.ownMembers();
      for (const [name, t] of own.params) out[prefix ? `${prefix}.${name}` : name] = t.detach();
      for (const [name, t, persistent] of own.buffers) if (persistent) out[prefix ? `${prefix}.${name}` : name] = t.detach();
    }
    return out;
  }

  /**
   * Copies values from `sd` into this module's parameters and buffers (in place; dtypes are
   * converted). Shapes must match; with `strict` (the default) the keys must match exactly.
   * Nothing is copied when any check fails. PyTorch's snake_case names (`bn.running_mean`,
   * `num_batches_tracked`, `weight_orig`...) are accepted for descent's camelCase ones, so a
   * PyTorch state dict saved as safetensors loads as it is.
   */
  loadStateDict(input: Record<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    checkOptions('loadStateDict', options, ['strict']);
    const strict = options.strict ?? true;
    if (input === null || typeof input !== 'object') throw new TypeError('loadStateDict: expected an object mapping names to tensors');
    const own = this.stateDict();
    const sd = camelCaseKeys(input, own);
    const missingKeys = Object.keys(own).filter((k) => !(k in sd));
    const unexpectedKeys = Object.keys(sd).filter((k) => !(k in own));
    const problems: string[] = [];
    for (const [key, target] of Object.entries(own)) {
      if (!(key in sd)) continue;
      const src = sd[key];
      if (!(src instanceof Tensor)) {
        problems.push(`value for '${key}' is not a Tensor`);
        continue;
      }
      if (src.ndim !== target.ndim || src.shape.some((d, i) => d !== target.shape[i])) {
        problems.push(`size mismatch for '${key}': the state dict has shape ${shapeStr(src.shape)}, the model has shape ${shapeStr(target.shape)}`);
      }
    }
    if (strict) {
      if (missingKeys.length) problems.push(`missing key(s) in the state dict: ${missingKeys.map((k) => `'${k}'`).join(', ')}`);
      if (unexpectedKeys.length) problems.push(`unexpected key(s) in the state dict: ${unexpectedKeys.map((k) => `'${k}'`).join(', ')}`);
    }
    if (problems.length) {
      throw new Error(`loadStateDict: error(s) loading the state dict into ${this.constructor.name}:\n  ${problems.join('\n  ')}`);
    }
    noGrad(() => {
      for (const [key, target] of Object.entries(own)) if (key in sd) target.data.set(sd[key].data);
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- hooks ------------------------------------------------------------------------------

  /** Runs `hook(module, inputs)` before every forward; it may return replacement inputs. */
  registerForwardPreHook(hook: ForwardPreHook): HookHandle {
    return this.addHook(this[STATE].preHooks, hook);
  }

  /** Runs `hook(module, inputs, output)` after every forward; it may return a replacement output. */
  registerForwardHook(hook: ForwardHook): HookHandle {
    return this.addHook(this[STATE].hooks, hook);
  }

  private addHook<H>(map: Map<number, H>, hook: H): HookHandle {
    if (typeof hook !== 'function') throw new TypeError('hook must be a function');
    this.installHookWrapper();
    const id = this[STATE].nextHookId++;
    map.set(id, hook);
    return { remove: () => void map.delete(id) };
  }

  /** Replaces this instance's forward (once) by one that runs the hooks around the original. */
  private installHookWrapper(): void {
    const st = this[STATE];
    if (st.wrapped) return;
    st.wrapped = true;
    const original = this.forward;
    const self = this;
    Object.defineProperty(this, 'forward', {
      configurable: true,
      writable: true,
      enumerable: false,
      value: function forward(...inputs: Tensor[]): Tensor {
        let args = inputs;
        for (const h of [...st.preHooks.values()]) {
          const r = h(self, args);
          if (r) args = r;
        }
        let out = original.apply(self, args);
        for (const h of [...st.hooks.values()]) {
          const r = h(self, args, out);
          if (r) out = r;
        }
        return out;
      },
    });
  }

  // ---- description ------------------------------------------------------------------------

  /** Extra text shown after the class name in toString (layers override it). */
  extraRepr(): string {
    return '';
  }

  /** A PyTorch-like nested description of the module tree. */
  toString(): string {
    const children = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (children.length === 0) return `${head})`;
    const lines = children.map(([name, m]) => `  (${name}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }

  /**
   * A table of the module tree: each submodule's name and type, its output shape (when
   * `inputShape` is given, from a forward pass on zeros in eval mode without gradients; the
   * modes are restored afterwards), and its parameter count; then totals.
   */
  summary(inputShape?: readonly number[] | readonly (readonly number[])[], options: { dtype?: DType } = {}): string {
    checkOptions('summary', options, ['dtype']);
    const mods = this.namedModules();
    const outputs = new Map<Module, string>();
    if (inputShape !== undefined) {
      const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as readonly (readonly number[])[];
      const modes = mods.map(([, m]) => m.training);
      const handles = mods.map(([, m]) =>
        m.registerForwardHook((mod, _in, out) => {
          outputs.set(mod, out instanceof Tensor ? shapeStr(out.shape) : typeof out);
        }),
      );
      try {
        this.eval();
        noGrad(() => this.forward(...shapes.map((s) => zeros(s, { dtype: options.dtype ?? this.parameters()[0]?.dtype ?? 'float32' }))));
      } finally {
        handles.forEach((h) => h.remove());
        mods.forEach(([, m], i) => (m.training = modes[i]));
      }
    }
    const rows: [string, string, string][] = [];
    for (const [name, m] of mods) {
      const depth = name === '' ? 0 : name.split('.').length;
      const label = `${'  '.repeat(depth)}${name === '' ? '' : `${name}: `}${m.constructor.name}`;
      const count = m.numParameters();
      rows.push([label, outputs.get(m) ?? (inputShape !== undefined ? '--' : ''), count.toLocaleString('en-US')]);
    }
    const headers: [string, string, string] = ['Layer (type)', inputShape !== undefined ? 'Output shape' : '', 'Params'];
    const widths = [0, 1, 2].map((i) => Math.max(headers[i].length, ...rows.map((r) => r[i].length)));
    const fmt = (r: [string, string, string]): string =>
      `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}`.trimEnd();
    const total = this.numParameters();
    const trainable = this.numParameters(true);
    const rule = '-'.repeat(widths[0] + widths[1] + widths[2] + 4);
    const bufferCount = this.buffers().reduce((n, b) => n + b.numel(), 0);
    return [
      fmt(headers),
      rule,
      ...rows.map(fmt),
      rule,
      `Total params: ${total.toLocaleString('en-US')}`,
      `Trainable params: ${trainable.toLocaleString('en-US')}`,
      `Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
      `Buffer elements: ${bufferCount.toLocaleString('en-US')}`,
    ].join('\n');
  }
}
