/** The playground's entry: finds the views, starts the shell, installs `window.descentPlayground`. */
import './style.css';
import { installApi } from './shell/api.js';
import { startApp } from './shell/app.js';
import type { PlaygroundView } from './views/types.js';

const modules = import.meta.glob<{ default: PlaygroundView }>('./views/*/index.ts', { eager: true });
const views = Object.values(modules).map((m) => m.default).sort((a, b) => a.order - b.order);
const currentJson = startApp(document.getElementById('app')!, views);
installApi(views.map((v) => v.id), currentJson);
