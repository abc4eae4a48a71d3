/**
 * How a tensor prints: PyTorch's layout (torch/_tensor_str.py) with descent's names.
 *
 * Values are formatted the way `torch.tensor(...)` prints them: one format for the whole tensor
 * (integers as `1.`, fixed `1.2346`, or scientific `1.2346e-05`, chosen from the smallest and
 * largest nonzero finite magnitudes), right-aligned to one width, lines wrapped at `linewidth`,
 * and tensors of more than `threshold` elements summarized to `edgeItems` at each end of every
 * axis with `...`. The suffixes use descent's names where they differ from PyTorch's:
 * `dtype=float64` (not `torch.float64`), `requiresGrad=true`, `gradFn=<MulBackward>` (from the
 * op's name; PyTorch adds a version digit, `MulBackward0`).
 */
import type { GradFn } from './autograd.js';

/** Options of {@link setPrintOptions}; the defaults are PyTorch's. */
export interface PrintOptions {
  /** Digits after the decimal point (4). */
  precision: number;
  /** More elements than this are summarized (1000). */
  threshold: number;
  /** Elements kept at each end of an axis when summarizing (3). */
  edgeItems: number;
  /** Characters per line before a row of values wraps (80). */
  linewidth: number;
}

const DEFAULTS: Readonly<PrintOptions> = Object.freeze({ precision: 4, threshold: 1000, edgeItems: 3, linewidth: 80 });
let current: PrintOptions = { ...DEFAULTS };

/** The print options in effect (a copy). */
export function getPrintOptions(): PrintOptions {
  return { ...current };
}

/**
 * Sets how tensors print, like `torch.set_printoptions`; options left out keep their value, and
 * `setPrintOptions('default')` restores PyTorch's defaults.
 */
export function setPrintOptions(options: Partial<PrintOptions> | 'default'): void {
  if (options === 'default') {
    current = { ...DEFAULTS };
    return;
  }
  const next = { ...current };
  for (const [key, value] of Object.entries(options)) {
    if (!(key in DEFAULTS)) throw new TypeError(`setPrintOptions: unknown option '${key}'; expected one of ${Object.keys(DEFAULTS).join(', ')}`);
    const min = key === 'linewidth' ? 1 : 0;
    const ok = typeof value === 'number' && (key === 'threshold' ? value >= 0 : Number.isInteger(value) && value >= min);
    if (!ok) throw new RangeError(`setPrintOptions: ${key} must be ${key === 'threshold' ? 'a number >= 0 (Infinity never summarizes)' : `an integer >= ${min}`}, got ${String(value)}`);
    next[key as keyof PrintOptions] = value;
  }
  if (next.precision > 20) throw new RangeError(`setPrintOptions: precision must be at most 20, got ${next.precision}`);
  current = next;
}

/** What the formatter reads from a tensor (structural, so this file does not import Tensor). */
export interface Printable {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly requiresGrad: boolean;
  readonly gradFn: GradFn | null;
}

/** The tensor as PyTorch prints it, e.g. `tensor([1.5000, 2.0000], requiresGrad=true)`. */
export function formatTensor(t: Printable, options: PrintOptions = current): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  const numel = t.data.length;
  let body: string;
  if (numel === 0) {
    if (t.shape.length !== 1) suffixes.push(`size=[${t.shape.join(', ')}]`);
    body = '[]';
  } else {
    const summarize = numel > options.threshold;
    const view = new View(t.data, t.shape, 0, 0);
    const format = makeFormatter(t.dtype, summarize ? edgeValues(view, options.edgeItems) : t.data, options.precision);
    body = formatView(view, indent, summarize, format, options);
  }
  if (t.dtype !== 'float32') suffixes.push(`dtype=${t.dtype}`);
  if (t.gradFn) suffixes.push(`gradFn=<${backwardName(t.gradFn.name)}>`);
  else if (t.requiresGrad) suffixes.push('requiresGrad=true');
  return addSuffixes(prefix + body, suffixes, indent, options.linewidth);
}

/** `mul` -> `MulBackward`, `leakyRelu` -> `LeakyReluBackward`. */
function backwardName(op: string): string {
  const word = op.replace(/[^A-Za-z0-9_]/g, '');
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}Backward`;
}

/** A sub-tensor: axes `shape.slice(axis)` of the elements starting at `offset`. */
class View {
  constructor(readonly data: ArrayLike<number>, readonly shape: readonly number[], readonly axis: number, readonly offset: number) {}
  get ndim(): number {
    return this.shape.length - this.axis;
  }
  get length(): number {
    return this.shape[this.axis];
  }
  private get stride(): number {
    let s = 1;
    for (let a = this.axis + 1; a < this.shape.length; a++) s *= this.shape[a];
    return s;
  }
  at(i: number): View {
    return new View(this.data, this.shape, this.axis + 1, this.offset + i * this.stride);
  }
  value(i = 0): number {
    return this.data[this.offset + i];
  }
}

/** Indices of one axis that print: all, or the first and last `edge` when summarizing. */
function shownIndices(length: number, summarize: boolean, edge: number): { head: number[]; tail: number[] } {
  const all = Array.from({ length }, (_, i) => i);
  if (!summarize || length <= 2 * edge) return { head: all, tail: [] };
  return { head: all.slice(0, edge), tail: all.slice(length - edge) };
}

/** The values a summarized print shows; the format is chosen from these alone, as in PyTorch. */
function edgeValues(view: View, edge: number): number[] {
  if (view.ndim === 0) return [view.value()];
  const { head, tail } = shownIndices(view.length, true, edge);
  if (view.ndim === 1) return [...head, ...tail].map((i) => view.value(i));
  return [...head, ...tail].flatMap((i) => edgeValues(view.at(i), edge));
}

type Formatter = { width: number; format(value: number): string };

/** One format for all values of a tensor: PyTorch's _Formatter. */
function makeFormatter(dtype: string, values: ArrayLike<number>, precision: number): Formatter {
  const pad = (s: string, width: number) => s.padStart(width);
  if (!dtype.startsWith('float')) {
    const show = dtype === 'bool' ? (v: number) => (v ? 'true' : 'false') : (v: number) => String(v);
    let width = 1;
    for (let i = 0; i < values.length; i++) width = Math.max(width, show(values[i]).length);
    return { width, format: (v) => pad(show(v), width) };
  }
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && values[i] !== 0) finite.push(values[i]);
  let mode: 'int' | 'fixed' | 'sci' = 'int';
  let width = 1;
  if (finite.length > 0) {
    let min = Infinity, max = 0;
    for (const v of finite) { min = Math.min(min, Math.abs(v)); max = Math.max(max, Math.abs(v)); }
    const integral = finite.every((v) => v === Math.ceil(v));
    const wide = max / min > 1000 || max > 1e8;
    mode = integral ? (wide ? 'sci' : 'int') : (wide || min < 1e-4 ? 'sci' : 'fixed');
    for (const v of finite) width = Math.max(width, formatFloat(v, mode, precision).length);
  }
  return { width, format: (v) => pad(formatFloat(v, mode, precision), width) };
}

/** Python's `{:.0f}` plus '.', `{:.Nf}` or `{:.Ne}` of one value. */
function formatFloat(v: number, mode: 'int' | 'fixed' | 'sci', precision: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const sign = Object.is(v, -0) ? '-' : '';
  if (mode === 'int') return `${sign}${v.toFixed(0)}.`;
  if (mode === 'fixed') return sign + v.toFixed(precision);
  // JS writes e+5 where Python writes e+05.
  return sign + v.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
}

function formatView(view: View, indent: number, summarize: boolean, f: Formatter, o: PrintOptions): string {
  if (view.ndim === 0) return f.format(view.value()).trimStart();
  const { head, tail } = shownIndices(view.length, summarize, o.edgeItems);
  if (view.ndim === 1) {
    const items = [...head.map((i) => f.format(view.value(i))), ...(tail.length ? [' ...'] : []), ...tail.map((i) => f.format(view.value(i)))];
    const perLine = Math.max(1, Math.floor((o.linewidth - indent) / (f.width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  const part = (i: number) => formatView(view.at(i), indent + 1, summarize, f, o);
  const slices = [...head.map(part), ...(tail.length ? ['...'] : []), ...tail.map(part)];
  return `[${slices.join(`,${'\n'.repeat(view.ndim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** Appends `, suffix` to the last line, or starts a new line when it would pass the width. */
function addSuffixes(text: string, suffixes: readonly string[], indent: number, linewidth: number): string {
  let out = text;
  // PyTorch's own arithmetic (one more than the last line's length).
  let lastLine = text.length - text.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > linewidth) {
      out += `,\n${' '.repeat(indent)}${s}`;
      lastLine = indent + s.length;
    } else {
      out += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return `${out})`;
}
