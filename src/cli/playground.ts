/**
 * `descent playground`: builds the browser playground if playground/dist is missing or stale
 * (a source checkout), or takes the prebuilt site an npm-installed package ships in
 * dist/playground, then serves it on 127.0.0.1 with the cross-origin isolation headers that
 * multi-threaded wasm needs, and opens it in the default browser unless told not to.
 */
import { spawn } from 'node:child_process';
import { ensurePlaygroundSite, packageRoot } from './playground-site.js';
import { serveStatic, type StaticServer } from './static-server.js';

export interface PlaygroundOptions {
  /** 0 picks a free port. */
  port: number;
  /** Open the page in the default browser. */
  open: boolean;
  /** The package root (tests point it elsewhere). */
  root?: string;
  log(line: string): void;
}

/** Starts the server (after building if needed) and returns it; the caller decides how long it runs. */
export async function startPlayground(o: PlaygroundOptions): Promise<StaticServer> {
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new Error(`playground: --port must be an integer from 0 to 65535, got ${o.port}`);
  const site = ensurePlaygroundSite(o.root ?? packageRoot, o.log);
  let server: StaticServer;
  try {
    server = await serveStatic(site.dir, o.port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`playground: port ${o.port} on 127.0.0.1 is in use; pick another with --port N (or --port 0 for a free one)`);
    throw e;
  }
  o.log(`playground: serving ${site.dir}\n  ${server.url}\n(Ctrl-C stops it)\n`);
  if (o.open) openBrowser(server.url, o.log);
  return server;
}

// Best effort: a machine without a desktop just gets the URL printed above.
function openBrowser(url: string, log: (line: string) => void): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => log(`playground: could not open a browser (${cmd}); open ${url} yourself\n`));
    child.unref();
  } catch {
    log(`playground: could not open a browser; open ${url} yourself\n`);
  }
}

/** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
export function untilStopped(): Promise<void> {
  return new Promise((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
