// Stand-in shell for branch h2 only (h1 writes the real one; h1's wins at merge): tabs for the
// discovered views, URL state, the command line under the view.
import type { PlaygroundView } from './views/types';

const modules = import.meta.glob<{ default: PlaygroundView }>('./views/*/index.ts', { eager: true });
const views = Object.values(modules).map((m) => m.default).sort((a, b) => a.order - b.order);
const params = new URLSearchParams(location.search);
const current = views.find((v) => v.id === params.get('view')) ?? views[0];
const tabs = document.getElementById('tabs')!;
for (const v of views) {
  const a = document.createElement('a');
  a.href = `?view=${v.id}`;
  a.textContent = v.title;
  a.style.marginRight = '1em';
  tabs.append(a);
}
// The harness waits for the real shell's page API; the stand-in offers an empty one.
(window as unknown as { descentPlayground: object }).descentPlayground = {};
const state: Record<string, string> = {};
params.forEach((value, key) => {
  if (key !== 'view') state[key] = value;
});
current.mount(document.getElementById('view')!, {
  state,
  setState(patch) {
    const p = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) p.delete(k);
      else p.set(k, v);
    }
    p.set('view', current.id);
    history.replaceState(null, '', `?${p}`);
  },
  setCommand(command) {
    document.getElementById('command')!.textContent = command;
  },
  setExports() {},
});
