/**
 * Canonical JSON: object keys sorted and undefined members dropped, so equal configurations
 * give equal text and equal trial ids. Imports nothing, so the playground uses it as the lab does.
 */

/** JSON with object keys sorted, so equal configurations give equal text (and equal ids). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}
