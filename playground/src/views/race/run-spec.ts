/**
 * A race's runs in the URL: `runs=adam(lr=0.02,betas=0.9/0.999);momentum` — the optimizer
 * name, then the options the user set (pairs and lists joined by '/').
 */
import type { Json, JsonObject } from '../../../../src/lab/util.js';

export interface RunSpec {
  optimizer: string;
  /** Only what the user set; the rest are the registry's (and the problem's lr) defaults. */
  options: JsonObject;
}

function valueText(v: Json): string {
  if (Array.isArray(v)) return v.map((x) => String(x)).join('/');
  return String(v);
}

function parseValue(text: string): Json {
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  if (text.includes('/')) return text.split('/').map(Number);
  const n = Number(text);
  return text !== '' && Number.isFinite(n) ? n : text;
}

/** `runs=` text for the specs. */
export function formatRuns(runs: readonly RunSpec[]): string {
  return runs
    .map((r) => {
      const opts = Object.entries(r.options).map(([k, v]) => `${k}=${valueText(v)}`);
      return opts.length ? `${r.optimizer}(${opts.join(',')})` : r.optimizer;
    })
    .join(';');
}

/** The specs in `runs=` text; malformed parts are skipped (a hand-edited link should still open). */
export function parseRuns(text: string): RunSpec[] {
  const out: RunSpec[] = [];
  for (const part of text.split(';')) {
    const m = /^\s*([\w-]+)\s*(?:\((.*)\))?\s*$/.exec(part);
    if (!m) continue;
    const options: JsonObject = {};
    for (const kv of (m[2] ?? '').split(',')) {
      const eq = kv.indexOf('=');
      if (eq > 0) options[kv.slice(0, eq).trim()] = parseValue(kv.slice(eq + 1).trim());
    }
    out.push({ optimizer: m[1].toLowerCase(), options });
  }
  return out;
}

/** `--set` flags of `descent trace` for the options (the CLI's list syntax is commas). */
export function setFlags(options: JsonObject): string {
  return Object.entries(options)
    .map(([k, v]) => ` --set ${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join('');
}
