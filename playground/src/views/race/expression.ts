/**
 * A user's f(x, y), parsed safely (no eval): numbers, x, y, pi, e, + - * / ^ (or **),
 * parentheses and a fixed list of functions. The parsed tree evaluates two ways: on plain
 * numbers (the contour grid) and on descent tensors, so the gradient comes from autodiff.
 */
// The library by path (not the bare 'descent' Vite aliases) so the node tests can import this file too.
import { Tensor, atan, cosh, sinh, tan } from '../../../../src/index.js';

export type Node =
  | { kind: 'num'; value: number }
  | { kind: 'var'; name: 'x' | 'y' }
  | { kind: 'neg'; arg: Node }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/' | '^'; left: Node; right: Node }
  | { kind: 'call'; fn: FunctionName; arg: Node };

const NUMERIC = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan, exp: Math.exp, log: Math.log, sqrt: Math.sqrt,
  abs: Math.abs, tanh: Math.tanh, sinh: Math.sinh, cosh: Math.cosh, atan: Math.atan,
} as const;

export type FunctionName = keyof typeof NUMERIC;
/** The functions an expression may call. */
export const FUNCTIONS = Object.keys(NUMERIC) as FunctionName[];

const TENSOR: Record<FunctionName, (t: Tensor) => Tensor> = {
  sin: (t) => t.sin(), cos: (t) => t.cos(), tan: (t) => tan(t), exp: (t) => t.exp(), log: (t) => t.log(),
  sqrt: (t) => t.sqrt(), abs: (t) => t.abs(), tanh: (t) => t.tanh(), sinh: (t) => sinh(t), cosh: (t) => cosh(t),
  atan: (t) => atan(t),
};

/** The longest expression accepted (a guard against pathological input, not a real limit). */
export const MAX_LENGTH = 300;

/** A parse error with the position it refers to. */
export class ExpressionError extends Error {}

type Token = { type: 'num'; value: number; at: number } | { type: 'id'; name: string; at: number } | { type: 'op'; op: string; at: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) { out.push({ type: 'num', value: Number(num[0]), at: i }); i += num[0].length; continue; }
    const id = /^[A-Za-z_]\w*/.exec(src.slice(i));
    if (id) { out.push({ type: 'id', name: id[0].toLowerCase(), at: i }); i += id[0].length; continue; }
    if (src.startsWith('**', i)) { out.push({ type: 'op', op: '^', at: i }); i += 2; continue; }
    if ('+-*/^()'.includes(c)) { out.push({ type: 'op', op: c, at: i }); i++; continue; }
    throw new ExpressionError(`unexpected '${c}' at position ${i + 1}; use numbers, x, y, pi, e, + - * / ^, parentheses and ${FUNCTIONS.join(', ')}`);
  }
  return out;
}

/** Parses f(x, y); errors say where and what was expected. */
export function parseExpression(src: string): Node {
  if (src.length > MAX_LENGTH) throw new ExpressionError(`the expression is ${src.length} characters; at most ${MAX_LENGTH}`);
  const toks = tokenize(src);
  if (toks.length === 0) throw new ExpressionError('the expression is empty; e.g. (1 - x)^2 + 100*(y - x^2)^2');
  let p = 0;
  const peekOp = (op: string): boolean => toks[p]?.type === 'op' && (toks[p] as { op: string }).op === op;
  const where = (): string => (p < toks.length ? `at position ${toks[p].at + 1}` : 'at the end');
  const expect = (op: string): void => {
    if (!peekOp(op)) throw new ExpressionError(`expected '${op}' ${where()}`);
    p++;
  };
  const sum = (): Node => {
    let left = product();
    while (peekOp('+') || peekOp('-')) {
      const op = (toks[p++] as { op: '+' | '-' }).op;
      left = { kind: 'bin', op, left, right: product() };
    }
    return left;
  };
  const product = (): Node => {
    let left = unary();
    while (peekOp('*') || peekOp('/')) {
      const op = (toks[p++] as { op: '*' | '/' }).op;
      left = { kind: 'bin', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Node => {
    if (peekOp('-')) { p++; return { kind: 'neg', arg: unary() }; }
    if (peekOp('+')) { p++; return unary(); }
    return power();
  };
  // Right-associative, and binding tighter than unary minus on its left: -x^2 = -(x^2).
  const power = (): Node => {
    const base = primary();
    if (peekOp('^')) { p++; return { kind: 'bin', op: '^', left: base, right: unary() }; }
    return base;
  };
  const primary = (): Node => {
    const t = toks[p];
    if (!t) throw new ExpressionError('the expression ends too early; expected a number, x, y or a function');
    if (t.type === 'num') { p++; return { kind: 'num', value: t.value }; }
    if (t.type === 'op' && t.op === '(') { p++; const e = sum(); expect(')'); return e; }
    if (t.type === 'id') {
      p++;
      if (t.name === 'x' || t.name === 'y') return { kind: 'var', name: t.name };
      if (t.name === 'pi') return { kind: 'num', value: Math.PI };
      if (t.name === 'e') return { kind: 'num', value: Math.E };
      if ((FUNCTIONS as string[]).includes(t.name)) { expect('('); const arg = sum(); expect(')'); return { kind: 'call', fn: t.name as FunctionName, arg }; }
      throw new ExpressionError(`unknown name '${t.name}' at position ${t.at + 1}; names: x, y, pi, e, ${FUNCTIONS.join(', ')}`);
    }
    throw new ExpressionError(`unexpected '${(t as { op: string }).op}' ${where()}`);
  };
  const tree = sum();
  if (p < toks.length) throw new ExpressionError(`unexpected ${toks[p].type === 'op' ? `'${(toks[p] as { op: string }).op}'` : 'token'} at position ${toks[p].at + 1}`);
  return tree;
}

/** f on plain numbers (fast enough for every pixel of the contour grid). */
export function compileNumeric(n: Node): (x: number, y: number) => number {
  switch (n.kind) {
    case 'num': return () => n.value;
    case 'var': return n.name === 'x' ? (x) => x : (_x, y) => y;
    case 'neg': { const a = compileNumeric(n.arg); return (x, y) => -a(x, y); }
    case 'call': { const a = compileNumeric(n.arg); const fn = NUMERIC[n.fn]; return (x, y) => fn(a(x, y)); }
    case 'bin': {
      const a = compileNumeric(n.left);
      const b = compileNumeric(n.right);
      switch (n.op) {
        case '+': return (x, y) => a(x, y) + b(x, y);
        case '-': return (x, y) => a(x, y) - b(x, y);
        case '*': return (x, y) => a(x, y) * b(x, y);
        case '/': return (x, y) => a(x, y) / b(x, y);
        case '^': return (x, y) => a(x, y) ** b(x, y);
      }
    }
  }
}

type Value = Tensor | number;

function evalTensor(n: Node, x: Tensor, y: Tensor): Value {
  switch (n.kind) {
    case 'num': return n.value;
    case 'var': return n.name === 'x' ? x : y;
    case 'neg': { const a = evalTensor(n.arg, x, y); return typeof a === 'number' ? -a : a.neg(); }
    case 'call': { const a = evalTensor(n.arg, x, y); return typeof a === 'number' ? NUMERIC[n.fn](a) : TENSOR[n.fn](a); }
    case 'bin': {
      const a = evalTensor(n.left, x, y);
      const b = evalTensor(n.right, x, y);
      if (typeof a === 'number' && typeof b === 'number') return compileNumeric({ ...n, left: { kind: 'num', value: a }, right: { kind: 'num', value: b } })(0, 0);
      const A = typeof a === 'number' ? new Tensor(Float64Array.of(a), [1]) : a;
      switch (n.op) {
        case '+': return A.add(b);
        case '-': return A.sub(b);
        case '*': return A.mul(b);
        case '/': return A.div(b);
        // An integer power of a tensor stays defined for negative bases.
        case '^': return typeof b === 'number' && b === 2 ? A.square() : A.pow(b);
      }
    }
  }
}

/** The gradient of f at (x, y) by descent's autodiff. */
export function compileGradient(n: Node): (x: number, y: number) => [number, number] {
  return (x, y) => {
    const X = new Tensor(Float64Array.of(x), [1]);
    const Y = new Tensor(Float64Array.of(y), [1]);
    X.requiresGrad = true;
    Y.requiresGrad = true;
    const out = evalTensor(n, X, Y);
    if (typeof out === 'number' || !out.requiresGrad) return [0, 0];
    out.sum().backward();
    return [X.grad?.data[0] ?? 0, Y.grad?.data[0] ?? 0];
  };
}
