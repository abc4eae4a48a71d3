/** The op codes of kernels.c's unary and binary maps (shared by the wasm and native kernels). */
import type { BinaryOp, UnaryOp } from '../kernels.js';

/** Unary ops with a SIMD kernel (codes as in kernels.c); the others (exp, log, tanh...) stay in js. */
export const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  neg: 0, abs: 1, sqrt: 2, square: 3, relu: 4, step: 5, reciprocal: 6, floor: 7, ceil: 8, round: 9, isnan: 10, sign: 11,
};

/** Binary ops with a SIMD kernel (codes as in kernels.c); pow stays in js. */
export const BINARY_CODES: Partial<Record<BinaryOp, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, eq: 6, ne: 7, lt: 8, le: 9, gt: 10, ge: 11, reluGrad: 12,
};
