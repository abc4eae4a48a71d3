/**
 * Colour scales that stay readable for colour-blind readers: viridis for values (perceptually
 * uniform, monotone in lightness) and the Okabe-Ito palette for the lines of each run.
 */

// Viridis at eleven evenly spaced points (matplotlib's table, rounded).
const VIRIDIS: readonly [number, number, number][] = [
  [68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142], [33, 145, 140],
  [34, 168, 132], [68, 191, 112], [122, 209, 81], [189, 223, 38], [253, 231, 37],
];

/** Viridis at t in [0, 1] (clamped) as [r, g, b] bytes. */
export function viridis(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 1)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + f * (b[k] - a[k]))) as [number, number, number];
}

/** Okabe and Ito's eight colours without black (lines over viridis need contrast; white outlines them). */
export const RUN_COLORS: readonly string[] = ['#E69F00', '#56B4E9', '#CC79A7', '#009E73', '#D55E00', '#0072B2', '#F0E442'];

/** The colour of run i. */
export function runColor(i: number): string {
  return RUN_COLORS[i % RUN_COLORS.length];
}
