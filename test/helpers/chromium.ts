/**
 * Headless Chromium for the browser tests: Debian's `chromium` (or CHROMIUM_PATH), driven by
 * puppeteer-core. `browserSkip` says why a browser test skips where either is missing.
 */
import { existsSync } from 'node:fs';
import type { Browser, LaunchOptions } from 'puppeteer-core';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));

interface Puppeteer {
  launch(o: LaunchOptions): Promise<Browser>;
}
async function loadPuppeteer(): Promise<Puppeteer | null> {
  try {
    return ((await import('puppeteer-core')) as unknown as { default: Puppeteer }).default;
  } catch {
    return null;
  }
}
const puppeteer = await loadPuppeteer();

/** False when the browser tests can run, else the reason they skip. */
export const browserSkip: string | false = !CHROMIUM
  ? 'chromium is not installed (apt-get install chromium; scripts/test.sh does when root)'
  : !puppeteer
    ? 'puppeteer-core is not installed (npm install)'
    : false;

/** Starts headless Chromium (only where {@link browserSkip} is false). */
export function launchChromium(): Promise<Browser> {
  if (browserSkip) throw new Error(`launchChromium: ${browserSkip}`);
  return puppeteer!.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}
