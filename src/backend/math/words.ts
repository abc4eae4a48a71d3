/**
 * The 32-bit words of a double, as fdlibm reads and writes them: one shared scratch double and
 * its two Int32 halves. Every routine here uses them synchronously, so one pair serves all.
 */
export const f64 = new Float64Array(1);
export const i32 = new Int32Array(f64.buffer);
/** Index of the high word in `i32` (every engine we meet is little-endian; stay correct anyway). */
export const HI = (() => {
  f64[0] = 1;
  return i32[1] === 0x3ff00000 ? 1 : 0;
})();
/** Index of the low word. */
export const LO = 1 - HI;
