/**
 * HTML reports: one self-contained file (plots inline as SVG, with links to the SVG/PNG
 * files), stating the machine, the versions and the exact command so a reader can rerun it.
 * Where the browser runs JavaScript each plot becomes a live chart (tooltips, zoom and pan, a
 * legend that toggles methods) from libraries inlined into the file (./live-charts.ts); without
 * it, the static SVGs are what the reader sees.
 */
import { ensureDirectory, writeFileAtomic } from '../io/atomic.js';
import { dirname, relative } from 'node:path';
import type { Plot } from './plots.js';
import type { JsonObject } from './util.js';
import { jsonScriptSafe, LIVE_CHART_BOOT, liveChartScripts, scriptSafe } from './live-charts.js';

export interface Table {
  headers: string[];
  rows: string[][];
  caption?: string;
}

export interface ReportSection {
  title: string;
  /** Paragraphs of plain text. */
  text?: string[];
  tables?: Table[];
  plots?: Plot[];
  /** Claims checked, each with whether it held. */
  claims?: { claim: string; holds: boolean; detail: string }[];
}

export interface ReportInput {
  title: string;
  subtitle?: string;
  command: string;
  machine: JsonObject;
  createdAt?: string;
  runDirs?: string[];
  sections: ReportSection[];
  /** Inline the live-chart libraries and specs (default: when vega-embed is installed). */
  interactive?: boolean;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function tableHtml(t: Table): string {
  const head = t.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>${t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function machineHtml(m: JsonObject): string {
  const rows = Object.entries(m).map(([k, v]) => {
    const text = v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v).map(([a, b]) => `${a} ${String(b)}`).join(', ') : String(v);
    return `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(text)}</td></tr>`;
  });
  return `<table class="kv">${rows.join('')}</table>`;
}

/** A plot: its static SVG, replaced in the browser by its live chart when there is one. */
function figureHtml(p: Plot, id: string, links: string, live: boolean): string {
  const notes = (p.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  const caption = `<figcaption>${escapeHtml(p.title)}${links}${notes}</figcaption>`;
  // Vega-Lite charts fill the page width; Vega ones (contours, drawn to the function's aspect) keep their size.
  const cls = p.live?.mode === 'vega' ? 'chart fixed' : 'chart';
  if (!live || !p.live) return `<figure><div class="${cls}"><div class="static">${p.svg}</div></div>${caption}</figure>`;
  return `<figure><div class="${cls}" id="${id}" data-spec="${id}-spec" data-mode="${p.live.mode}" data-data="${escapeHtml(p.live.data)}"><div class="static">${p.svg}</div></div>${caption}<script type="application/json" id="${id}-spec">${jsonScriptSafe(p.live.spec)}</script></figure>`;
}

export function renderReport(input: ReportInput, reportPath?: string): string {
  const rel = (p: string): string => (reportPath ? relative(dirname(reportPath), p) : p);
  const scripts = input.interactive === false ? null : liveChartScripts();
  let plotCount = 0;
  const sections = input.sections
    .map((s) => {
      const parts: string[] = [`<h2>${escapeHtml(s.title)}</h2>`];
      for (const t of s.text ?? []) parts.push(`<p>${escapeHtml(t)}</p>`);
      if (s.claims?.length) {
        parts.push(
          `<ul class="claims">${s.claims
            .map((c) => `<li class="${c.holds ? 'ok' : 'no'}"><b>${c.holds ? '✔ holds' : '✘ does not hold'}</b>: ${escapeHtml(c.claim)} <span>(${escapeHtml(c.detail)})</span></li>`)
            .join('')}</ul>`,
        );
      }
      for (const t of s.tables ?? []) parts.push(tableHtml(t));
      for (const p of s.plots ?? []) {
        const links = p.files ? ` <span class="files">(<a href="${escapeHtml(rel(p.files.svg))}">svg</a>, <a href="${escapeHtml(rel(p.files.png))}">png</a>)</span>` : '';
        parts.push(figureHtml(p, `plot-${++plotCount}`, links, scripts !== null));
      }
      return `<section>${parts.join('\n')}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>
body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;max-width:1500px;margin:2em auto;padding:0 2em;color:#222}
h1{margin-bottom:.2em} .sub{color:#555;margin-top:0}
pre{background:#f4f4f4;padding:.6em;overflow-x:auto}
table{border-collapse:collapse;margin:1em 0;font-size:.92em} th,td{border:1px solid #ddd;padding:.3em .6em;text-align:right} th{background:#f6f6f6}
td:first-child,th:first-child{text-align:left} table.kv th,table.kv td{text-align:left}
caption{caption-side:top;text-align:left;font-weight:bold;padding:.3em 0}
figure{margin:1.5em 0} .chart{width:100%} .chart .static svg{width:100%;height:auto} .chart.fixed .static svg{width:auto;max-width:100%} .chart .live{width:100%}
figcaption{color:#555;font-size:.9em} p.note{margin:.3em 0;color:#8a4b00}
ul.claims li.ok b{color:#1a7f37} ul.claims li.no b{color:#b42318} ul.claims span{color:#555}
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
${input.subtitle ? `<p class="sub">${escapeHtml(input.subtitle)}</p>` : ''}
<h3>Rerun</h3>
<pre>${escapeHtml(input.command)}</pre>
${input.runDirs?.length ? `<p>Results store: ${input.runDirs.map((d) => `<code>${escapeHtml(d)}</code>`).join(', ')} (one JSON line per trial in trials.jsonl)</p>` : ''}
<h3>Machine and versions</h3>
${machineHtml(input.machine)}
<p class="sub">Generated ${escapeHtml(input.createdAt ?? new Date().toISOString())}</p>
${sections}
${scripts && plotCount > 0 ? `${scripts.map((js) => `<script>${scriptSafe(js)}</script>`).join('\n')}\n<script>${LIVE_CHART_BOOT}</script>` : ''}
</body></html>
`;
}

export function writeReport(path: string, input: ReportInput): string {
  ensureDirectory(dirname(path), 'writeReport');
  writeFileAtomic(path, renderReport(input, path), 'writeReport');
  return path;
}
