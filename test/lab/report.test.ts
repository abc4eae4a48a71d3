import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curvesChart, renderReport } from '../../src/lab/index.js';
import { jsonScriptSafe, liveChartScripts, scriptSafe } from '../../src/lab/live-charts.js';

test('the report inlines the live-chart libraries (no network) over static SVGs that stay for readers without JavaScript', async () => {
  const plot = await curvesChart([{ label: 'sgd', x: [0, 1, 2], mean: [2, 1, 0.5] }], { name: 'loss', title: 'Loss </script>', xTitle: 'step', yTitle: 'loss' });
  const input = { title: 'T', command: 'descent x', machine: { node: 'v20' }, sections: [{ title: 'S', plots: [plot] }] };
  const html = renderReport(input);
  const scripts = liveChartScripts();
  assert.ok(scripts, 'vega, vega-lite and vega-embed are installed (devDependencies)');
  assert.equal(scripts.length, 3);
  // The static SVG sits inside the chart, ready to be replaced.
  assert.match(html, /<div class="chart" id="plot-1" data-spec="plot-1-spec" data-mode="vega-lite" data-data="table"><div class="static"><svg/);
  assert.match(html, /<script type="application\/json" id="plot-1-spec">\{/);
  // The title's "</script>" cannot end the spec's script element early.
  assert.equal(html.match(/<\/script>/g)!.length, 5, 'the spec, three libraries and the page script');
  assert.ok(html.includes('vegaEmbed('), 'the page script');
  assert.ok(html.length > 700_000, `the libraries inline: ${html.length} characters`);
  assert.doesNotMatch(html, /<script[^>]* src=/);
  assert.doesNotMatch(html, /<link[^>]* href="https?:/);
  // Static only when asked (or when vega-embed is missing).
  const still = renderReport({ ...input, interactive: false });
  assert.doesNotMatch(still, /<script/);
  assert.match(still, /<div class="chart"><div class="static"><svg/);
});

test('script and JSON text cannot close their element', () => {
  assert.equal(scriptSafe('a</script>b</SCRIPT >'), 'a<\\/script>b<\\/SCRIPT >');
  assert.equal(jsonScriptSafe({ t: '</script>' }), '{"t":"\\u003c/script>"}');
  assert.deepEqual(JSON.parse(jsonScriptSafe({ t: '</script>' })), { t: '</script>' });
});
