/**
 * torch.einsum: a parser for the explicit ('ij,jk->ik') and implicit ('ij,jk') forms with '...'
 * broadcasting, and an evaluator that contracts the operands pairwise, left to right, with
 * permute / reshape / batched matmul / sum. Every step is a differentiable op, so gradients of
 * every order come free.
 */
import { shapeToString, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { gatherByCoords } from './arrange.js';
import { checkTensor } from './result.js';
import { matmul } from './matmul.js';

/** One label per axis; the axes '...' stands for get labels '…0', '…1', ... counted from the right. */
type Labels = string[];

const ellipsisLabel = (fromRight: number): string => `…${fromRight}`;

interface Parsed {
  inputs: Labels[];
  output: Labels;
}

/** Splits one operand's subscripts into labels (letters and one optional '...'). */
function tokenize(term: string, equation: string): { labels: string[]; ellipsisAt: number } {
  const labels: string[] = [];
  let ellipsisAt = -1;
  for (let i = 0; i < term.length; i++) {
    const ch = term[i];
    if (/[a-zA-Z]/.test(ch)) labels.push(ch);
    else if (term.startsWith('...', i)) {
      if (ellipsisAt >= 0) throw new RangeError(`einsum: '${equation}' has more than one '...' in the term '${term}'`);
      ellipsisAt = labels.length;
      i += 2;
    } else throw new RangeError(`einsum: '${equation}' has the character '${ch}' in the term '${term}'; expected letters, '...', ',' and '->'`);
  }
  return { labels, ellipsisAt };
}

/** Expands a term's tokens for an operand of `rank` axes into one label per axis. */
function expand(tokens: { labels: string[]; ellipsisAt: number }, rank: number, what: string, equation: string): Labels {
  const { labels, ellipsisAt } = tokens;
  if (ellipsisAt < 0) {
    if (labels.length !== rank) throw new RangeError(`einsum: ${what} of '${equation}' has ${labels.length} subscripts for ${rank} axes`);
    return labels;
  }
  const covered = rank - labels.length;
  if (covered < 0) throw new RangeError(`einsum: ${what} of '${equation}' has ${labels.length} subscripts for ${rank} axes`);
  const dots = Array.from({ length: covered }, (_, i) => ellipsisLabel(covered - 1 - i));
  return [...labels.slice(0, ellipsisAt), ...dots, ...labels.slice(ellipsisAt)];
}

function parse(equation: string, operands: readonly Tensor[]): Parsed {
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const terms = lhs.split(',');
  if (terms.length !== operands.length) {
    throw new RangeError(`einsum: '${equation}' has ${terms.length} input terms but ${operands.length} operands were given`);
  }
  const inputs = terms.map((t, i) => expand(tokenize(t, equation), operands[i].ndim, `operand ${i}`, equation));
  const ellipsisRank = Math.max(0, ...inputs.map((ls) => ls.filter((l) => l.startsWith('…')).length));
  const dots = Array.from({ length: ellipsisRank }, (_, i) => ellipsisLabel(ellipsisRank - 1 - i));
  let output: Labels;
  if (arrow >= 0) {
    const rhs = eq.slice(arrow + 2);
    if (rhs.includes('->')) throw new RangeError(`einsum: '${equation}' has more than one '->'`);
    const tokens = tokenize(rhs, equation);
    output = tokens.ellipsisAt < 0 ? tokens.labels : [...tokens.labels.slice(0, tokens.ellipsisAt), ...dots, ...tokens.labels.slice(tokens.ellipsisAt)];
    const seen = new Set<string>();
    for (const l of tokens.labels) {
      if (seen.has(l)) throw new RangeError(`einsum: '${equation}' repeats the subscript '${l}' in its output`);
      if (!inputs.some((ls) => ls.includes(l))) throw new RangeError(`einsum: '${equation}' has the output subscript '${l}', which no input has`);
      seen.add(l);
    }
  } else {
    // Implicit form: the broadcast axes, then the letters that occur once, in alphabetical order.
    const counts = new Map<string, number>();
    for (const ls of inputs) for (const l of ls) if (!l.startsWith('…')) counts.set(l, (counts.get(l) ?? 0) + 1);
    output = [...dots, ...[...counts].filter(([, c]) => c === 1).map(([l]) => l).sort()];
  }
  return { inputs, output };
}

/** An operand with its axis labels (each label once). */
interface Term {
  t: Tensor;
  labels: Labels;
}

/** Takes the diagonal over repeated labels of one operand ('ii' -> 'i'). */
function diagonalize(t: Tensor, labels: Labels, equation: string): Term {
  const unique = [...new Set(labels)];
  if (unique.length === labels.length) return { t, labels };
  const sizes = unique.map((l) => {
    const ds = labels.flatMap((m, d) => (m === l ? [t.shape[d]] : []));
    if (ds.some((d) => d !== ds[0])) throw new RangeError(`einsum: '${equation}' repeats '${l}' over axes of different sizes ${JSON.stringify(ds)} (shape ${shapeToString(t.shape)})`);
    return ds[0];
  });
  const strides = t.shape.map((_, d) => sizeOf(t.shape.slice(d + 1)));
  const position = labels.map((l) => unique.indexOf(l));
  return { t: gatherByCoords(t, sizes, (c) => position.reduce((p, u, d) => p + c[u] * strides[d], 0)), labels: unique };
}

/** Sums the axes whose labels are not in `keep`. */
function sumOut(term: Term, keep: ReadonlySet<string>): Term {
  const axes = term.labels.flatMap((l, d) => (keep.has(l) ? [] : [d]));
  if (axes.length === 0) return term;
  return { t: term.t.sum(axes), labels: term.labels.filter((l) => keep.has(l)) };
}

/** Permutes a term's axes into the order `labels`. */
function arrange(term: Term, labels: Labels): Tensor {
  return term.t.permute(labels.map((l) => term.labels.indexOf(l)));
}

/** Contracts two terms, keeping the labels in `keep`, as one batched matmul. */
function contract(a: Term, b: Term, keep: ReadonlySet<string>, equation: string): Term {
  const size = (term: Term, l: string): number => term.t.shape[term.labels.indexOf(l)];
  const shared = a.labels.filter((l) => b.labels.includes(l));
  // Shared labels may differ in size only by broadcasting a 1.
  const common = new Map(shared.map((l) => {
    const [m, n] = [size(a, l), size(b, l)];
    if (m !== n && m !== 1 && n !== 1) throw new RangeError(`einsum: '${equation}' gives the subscript '${l.startsWith('…') ? '...' : l}' sizes ${m} and ${n}, which do not broadcast`);
    return [l, Math.max(m, n)];
  }));
  const widen = (term: Term): Term => {
    const shape = term.labels.map((l, d) => common.get(l) ?? term.t.shape[d]);
    return shape.every((d, i) => d === term.t.shape[i]) ? term : { t: term.t.broadcastTo(shape), labels: term.labels };
  };
  const [wa, wb] = [widen(a), widen(b)];
  const batch = shared.filter((l) => keep.has(l));
  const summed = shared.filter((l) => !keep.has(l));
  const left = a.labels.filter((l) => !shared.includes(l));
  const right = b.labels.filter((l) => !shared.includes(l));
  const sizes = (term: Term, ls: Labels): number[] => ls.map((l) => size(term, l));
  const [bs, ls, rs, cs] = [sizes(wa, batch), sizes(wa, left), sizes(wb, right), sizes(wa, summed)];
  const am = arrange(wa, [...batch, ...left, ...summed]).reshape([sizeOf(bs), sizeOf(ls), sizeOf(cs)]);
  const bm = arrange(wb, [...batch, ...summed, ...right]).reshape([sizeOf(bs), sizeOf(cs), sizeOf(rs)]);
  return { t: matmul(am, bm).reshape([...bs, ...ls, ...rs]), labels: [...batch, ...left, ...right] };
}

/**
 * torch.einsum: the Einstein summation `equation` of `operands`. Subscripts are letters, one
 * per axis; '...' stands for the remaining axes (broadcast against each other, aligned from the
 * right). A letter repeated in one operand takes its diagonal; a letter absent from the output
 * is summed over. With '->' the output's subscripts are as given; without it, they are the
 * broadcast axes followed by the letters that occur exactly once, in alphabetical order
 * (upper case before lower). Without '...' in an explicit output, the broadcast axes are summed.
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (typeof equation !== 'string') throw new TypeError(`einsum: the equation must be a string, got ${typeof equation}`);
  if (operands.length === 0) throw new RangeError(`einsum: '${equation}' got no operands`);
  operands.forEach((t, i) => checkTensor(t, 'einsum', `operand ${i}`));
  const { inputs, output } = parse(equation, operands);
  const terms = operands.map((t, i) => diagonalize(t, inputs[i], equation));
  // A label stays while the output or a later operand needs it.
  const neededAfter = (i: number): Set<string> => new Set([...output, ...terms.slice(i + 1).flatMap((t) => t.labels)]);
  let acc = sumOut(terms[0], new Set([...neededAfter(0)]));
  for (let i = 1; i < terms.length; i++) {
    const keep = neededAfter(i);
    const next = sumOut(terms[i], new Set([...keep, ...acc.labels]));
    acc = contract(sumOut(acc, new Set([...keep, ...next.labels])), next, keep, equation);
  }
  acc = sumOut(acc, new Set(output));
  return arrange(acc, output);
}
