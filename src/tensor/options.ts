/**
 * The one check of options objects, used by the engine, nn and regularize. A misspelt key
 * (`{ biass: false }`, `{ create_graph: true }`) would otherwise be ignored and the default used
 * without a word, so every public function taking an options object passes it through
 * {@link checkOptions} with the keys it reads.
 */

/** What a value is, in an error message. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Edit distance counting insertions, deletions, substitutions and swaps of neighbours ('esp' is 1 from 'eps'). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Case and separators do not count: `create_graph` is `createGraph` in PyTorch's spelling. */
const canonical = (key: string): string => key.toLowerCase().replace(/[_-]/g, '');

/**
 * The valid key nearest to `key`, if it is near enough to be a likely misspelling: the same
 * word in another case style, within a third of its length in edit distance (1 to 3; keys
 * shorter than 3 letters only match exactly), or sharing a long prefix.
 */
export function nearestKey(key: string, valid: readonly string[]): string | null {
  const k = canonical(key);
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const v of valid) {
    const d = editDistance(k, canonical(v));
    if (d < bestDistance) [best, bestDistance] = [v, d];
  }
  const limit = k.length < 3 ? 0 : Math.min(3, Math.max(1, Math.floor(k.length / 3)));
  if (best !== null && bestDistance <= limit) return best;
  // A shortened or lengthened word ('reduce' for 'reduction'): a long shared prefix.
  return valid.find((v) => sharedPrefix(k, canonical(v)) >= Math.max(4, Math.ceil((2 / 3) * Math.min(k.length, v.length)))) ?? null;
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The valid keys quoted and listed, for messages. */
export function listKeys(valid: readonly string[]): string {
  return valid.length ? valid.map((k) => `'${k}'`).join(', ') : '(none)';
}

/**
 * Checks that `options` is a plain object (not an array, number or string) whose keys are all
 * in `valid`; returns it. `undefined` and `null` stand for "no options". An unknown key is a
 * RangeError naming the valid keys and the nearest one; anything else where an options object
 * belongs is a TypeError. `hint` is appended to the message for the non-object case (e.g. how
 * to say in descent what another library spells positionally).
 */
export function checkOptions<T>(op: string, options: T, valid: readonly string[], hint?: string): T {
  if (options === undefined || options === null) return options;
  if (typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw new TypeError(`${op}: options must be an object with keys among ${listKeys(valid)}, got ${showValue(options)}${hint ? `; ${hint}` : ''}`);
  }
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    const near = nearestKey(key, valid);
    throw new RangeError(`${op}: unknown option '${key}'${near ? ` (did you mean '${near}'?)` : ''}; valid options: ${listKeys(valid)}`);
  }
  return options;
}
