/**
 * The browser tests' way into the playground: builds the site once per test process if
 * playground/dist is stale, serves it on 127.0.0.1 (a free port, COOP/COEP headers), and opens
 * it in headless Chromium (Debian's `chromium`, driven by puppeteer-core). `playgroundSkip` says
 * why the tests skip where Chromium or puppeteer-core is missing.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { browserSkip, launchChromium } from '../helpers/chromium.js';
import { ensurePlaygroundSite } from '../../src/cli/playground-site.js';
import { serveStatic, type StaticServer } from '../../src/cli/static-server.js';

/** Where screenshots go (gitignored). */
export const ARTIFACTS = resolve('test-artifacts', 'playground');

/** False when the browser tests can run, else the reason they skip. */
export const playgroundSkip: string | false = browserSkip;

let server: Promise<StaticServer> | null = null;
let browser: Promise<Browser> | null = null;

function site(): Promise<StaticServer> {
  server ??= (async () => serveStatic(ensurePlaygroundSite(undefined, (l) => process.stderr.write(l)).dir))();
  return server;
}

function chromium(): Promise<Browser> {
  browser ??= launchChromium();
  return browser;
}

export interface OpenedPlayground {
  page: Page;
  /** Console errors and uncaught page errors, as they happen. */
  consoleErrors: string[];
  /** The site's base URL (to reload with another query). */
  url: string;
  close(): Promise<void>;
}

/** Opens the playground at `?query` (e.g. 'view=race&problem=beale') and waits for the shell. */
export async function openPlayground(query: string, opts: { viewport?: { width: number; height: number } } = {}): Promise<OpenedPlayground> {
  const s = await site();
  const b = await chromium();
  const page = await b.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  // A failed load logs only "Failed to load resource"; name the URL.
  page.on('response', (r) => {
    if (r.status() >= 400) consoleErrors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.setViewport(opts.viewport ?? { width: 1280, height: 900 });
  await page.goto(`${s.url}${query ? `?${query.replace(/^\?/, '')}` : ''}`, { waitUntil: 'load' });
  await page.waitForFunction('window.descentPlayground !== undefined');
  return { page, consoleErrors, url: s.url, close: () => page.close() };
}

/** Saves a screenshot of the page to test-artifacts/playground/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  return path;
}

/** Closes the browser and the server (call from the test file's `after`). */
export async function closePlayground(): Promise<void> {
  if (browser) await (await browser).close();
  if (server) await (await server).close();
  browser = null;
  server = null;
}
