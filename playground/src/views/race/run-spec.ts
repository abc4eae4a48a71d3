/**
 * A race's runs in the URL: `runs=adam(lr=0.02,betas=0.9/0.999);momentum` — the optimizer
 * name, then the options the user set (pairs and lists joined by '/'). An object option is
 * written one entry at a time with a dotted key, as `descent trace --set` takes it: a wrapper
 * and its inner optimizer are `lookahead(optimizer=adam,optimizerOptions.lr=0.01,k=5)`.
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

/** The options as [key, value] pairs, object options flattened to dotted keys. */
function flatten(options: JsonObject): [string, Json][] {
  return Object.entries(options).flatMap(([k, v]): [string, Json][] =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v).map(([sub, x]): [string, Json] => [`${k}.${sub}`, x]) : [[k, v]]);
}

/** `runs=` text for the specs. */
export function formatRuns(runs: readonly RunSpec[]): string {
  return runs
    .map((r) => {
      const opts = flatten(r.options).map(([k, v]) => `${k}=${valueText(v)}`);
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
      if (eq <= 0) continue;
      const key = kv.slice(0, eq).trim();
      const value = parseValue(kv.slice(eq + 1).trim());
      const dot = key.indexOf('.');
      if (dot <= 0) options[key] = value;
      else {
        const head = key.slice(0, dot);
        const prev = options[head];
        options[head] = { ...(prev !== null && typeof prev === 'object' && !Array.isArray(prev) ? prev : {}), [key.slice(dot + 1)]: value };
      }
    }
    out.push({ optimizer: m[1].toLowerCase(), options });
  }
  return out;
}

/** `--set` flags of `descent trace` for the options (the CLI's list syntax is commas; object options one dotted key each). */
export function setFlags(options: JsonObject): string {
  return flatten(options)
    .map(([k, v]) => ` --set ${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join('');
}
