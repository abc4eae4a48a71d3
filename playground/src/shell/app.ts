/**
 * The shell every view lives in: the tabs (one per view folder), the toolbar (link, JSON,
 * PNG and SVG exports), the equivalent-command box, and the URL state each view reads on
 * mount and writes through its context.
 */
import { button, h } from '../ui/dom.js';
import { downloadPng, downloadText, svgText } from '../ui/export.js';
import type { PlaygroundView, ViewContext } from '../views/types.js';
import { mergeState, readQuery, writeQuery } from './url-state.js';

interface Exports {
  json?: () => unknown;
  plots?: () => (SVGSVGElement | HTMLCanvasElement)[];
}

/** Mounts the playground into `root`; returns the current view's JSON export (for the page's API). */
export function startApp(root: HTMLElement, views: readonly PlaygroundView[]): () => unknown {
  const sorted = [...views].sort((a, b) => a.order - b.order);
  const query = readQuery();
  // Each view's state is kept while another is shown, so switching back restores it.
  const saved = new Map<string, Record<string, string>>();
  let current: { view: PlaygroundView; unmount(): void } | null = null;
  let exports: Exports = {};
  let state: Record<string, string> = {};

  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' });
  const status = h('p', { class: 'toolbar-status', role: 'status', 'aria-live': 'polite' });
  const command = h('code', { id: 'command' });
  const viewRoot = h('main', { id: 'view', class: 'view', role: 'tabpanel', tabindex: '-1' });

  const say = (text: string): void => {
    status.textContent = text;
  };
  const stem = (): string => `descent-${current?.view.id ?? 'playground'}`;
  const plots = (): (SVGSVGElement | HTMLCanvasElement)[] => exports.plots?.() ?? [];

  const toolbar = h(
    'div',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Share and export' },
    button('Copy link', async () => {
      try {
        await navigator.clipboard.writeText(location.href);
        say('link copied');
      } catch {
        say(`link: ${location.href}`);
      }
    }, { id: 'copy-link' }),
    button('Export JSON', () => {
      if (!exports.json) return say('this view has nothing to export yet');
      downloadText(`${stem()}.json`, JSON.stringify(exports.json(), null, 1) + '\n', 'application/json');
      say(`saved ${stem()}.json`);
    }, { id: 'export-json' }),
    button('Export PNG', async () => {
      const ps = plots();
      if (!ps.length) return say('this view has no plot to export');
      for (const [i, p] of ps.entries()) await downloadPng(`${stem()}-${i + 1}.png`, p);
      say(`saved ${ps.length} PNG file${ps.length > 1 ? 's' : ''}`);
    }, { id: 'export-png' }),
    button('Export SVG', () => {
      const ps = plots().filter((p): p is SVGSVGElement => p instanceof SVGSVGElement);
      if (!ps.length) return say('this view has no SVG plot (use PNG)');
      ps.forEach((p, i) => downloadText(`${stem()}-${i + 1}.svg`, svgText(p), 'image/svg+xml'));
      say(`saved ${ps.length} SVG file${ps.length > 1 ? 's' : ''}`);
    }, { id: 'export-svg' }),
    status,
  );

  const show = (id: string, initial?: Record<string, string>): void => {
    const view = sorted.find((v) => v.id === id) ?? sorted[0];
    if (current) {
      saved.set(current.view.id, state);
      current.unmount();
    }
    state = initial ?? saved.get(view.id) ?? {};
    exports = {};
    command.textContent = '';
    viewRoot.replaceChildren();
    writeQuery({ view: view.id, ...state });
    for (const b of tabs.querySelectorAll('button')) {
      const on = b.dataset.view === view.id;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    const ctx: ViewContext = {
      state: { ...state },
      setState(patch) {
        state = mergeState(state, patch);
        writeQuery({ view: view.id, ...state });
      },
      setCommand(text) {
        command.textContent = text;
      },
      setExports(e) {
        exports = e;
      },
    };
    current = { view, ...view.mount(viewRoot, ctx) };
    document.title = `${view.title} · descent playground`;
  };

  for (const v of sorted) {
    const b = h('button', { type: 'button', role: 'tab', class: 'tab', 'data-view': v.id, id: `tab-${v.id}` }, v.title);
    b.addEventListener('click', () => show(v.id));
    // Arrow keys move between tabs (the ARIA tabs pattern); Tab leaves the tab list.
    b.addEventListener('keydown', (e) => {
      const i = sorted.indexOf(v);
      const j = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : -1;
      if (j < 0 || e.key === 'ArrowLeft' && i === 0) return;
      const next = sorted[(j + sorted.length) % sorted.length];
      show(next.id);
      tabs.querySelector<HTMLButtonElement>(`#tab-${next.id}`)?.focus();
    });
    tabs.append(b);
  }

  root.append(
    h('header', { class: 'top' },
      h('h1', {}, 'descent ', h('span', { class: 'sub' }, 'playground')),
      h('p', { class: 'intro' }, 'Optimizers from descent, running in your browser (nothing is sent anywhere). Every setting is in the link; the command under each view reproduces it from the CLI.'),
      tabs,
      toolbar),
    viewRoot,
    h('section', { class: 'command', 'aria-label': 'Equivalent command' }, h('h2', {}, 'The same from the command line'), h('pre', {}, command)),
  );
  const { view, ...rest } = query;
  show(view ?? sorted[0].id, rest);
  return () => exports.json?.() ?? null;
}
