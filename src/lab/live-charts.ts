/**
 * Live charts in the HTML report: the minified vega, vega-lite and vega-embed builds, read from
 * node_modules when the report is written and inlined into it, so the single file works offline
 * (no CDN). They are optional peers: without them the report keeps its static SVGs only.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** The browser builds the report inlines, in load order (vega-embed needs the two globals before it). */
export const LIVE_CHART_BUILDS = [
  { name: 'vega', file: 'build/vega.min.js' },
  { name: 'vega-lite', file: 'build/vega-lite.min.js' },
  { name: 'vega-embed', file: 'build/vega-embed.min.js' },
] as const;

/** A package's file, looked up in the node_modules folders Node would search from here. */
function readPackageFile(name: string, file: string): string | undefined {
  for (const dir of require.resolve.paths(name) ?? []) {
    try {
      return readFileSync(join(dir, name, file), 'utf8');
    } catch {
      // not in this node_modules folder: look further up
    }
  }
  return undefined;
}

let cached: string[] | null | undefined;

/**
 * The three builds' sources (read once per process), or null when one of them is not
 * installed, in which case the report is static.
 */
export function liveChartScripts(): string[] | null {
  if (cached !== undefined) return cached;
  const sources = LIVE_CHART_BUILDS.map((b) => readPackageFile(b.name, b.file));
  cached = sources.every((s): s is string => s !== undefined) ? sources : null;
  return cached;
}

/** Text made safe inside a <script> element: no `</script` (nor `<!--`) can end it early. */
export function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON made safe inside a <script type="application/json"> element. */
export function jsonScriptSafe(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * The page script: renders each `.chart[data-spec]` with vega-embed (SVG renderer, tooltips,
 * no action menu) and, once it is drawn, replaces the static SVG with it. A chart that fails
 * keeps its static SVG and logs why. The views are kept in `window.descentCharts` (the
 * browser test reads their datasets).
 */
export const LIVE_CHART_BOOT = `(function () {
  var charts = window.descentCharts = [];
  if (typeof vegaEmbed !== 'function') return;
  document.querySelectorAll('.chart[data-spec]').forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.getAttribute('data-spec')).textContent);
    var live = document.createElement('div');
    live.className = 'live';
    el.appendChild(live);
    var entry = { id: el.id, data: el.getAttribute('data-data'), view: null, error: null };
    charts.push(entry);
    entry.ready = vegaEmbed(live, spec, { mode: el.getAttribute('data-mode'), renderer: 'svg', actions: false, tooltip: { theme: 'light' } })
      .then(function (res) {
        entry.view = res.view;
        var still = el.querySelector('.static');
        if (still) still.remove();
      })
      .catch(function (err) {
        entry.error = String(err);
        live.remove();
        console.warn('descent: live chart ' + el.id + ' failed; the static plot stays: ' + err);
      });
  });
})();`;
