/**
 * What a report needs to be rerun: the machine, the versions, the exact command.
 */
import { readFileSync } from 'node:fs';
import { arch, cpus, hostname, platform, release, totalmem, userInfo } from 'node:os';
import { backendInfo } from '../backend/registry.js';
import { installedVersion } from '../platform/optional-peer.js';
import type { JsonObject } from './util.js';

function readJson(url: URL): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** descent's package.json (src/lab and dist/lab both sit two levels below the package root). */
export function packageJson(): Record<string, unknown> {
  return readJson(new URL('../../package.json', import.meta.url)) ?? {};
}

export function descentVersion(): string {
  return String(packageJson().version ?? 'unknown');
}

/**
 * Versions of the libraries descent uses, resolved the way Node resolves them (npm hoists them
 * beside descent when it is installed as a package); one that is not installed is left out.
 */
export function libraryVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['vega', 'vega-lite', 'vega-embed', '@resvg/resvg-js', 'zod', 'yaml', 'commander', 'cli-progress', 'koffi']) {
    const version = installedVersion(name);
    if (version) out[name] = version;
  }
  return out;
}

/** What {@link machineInfo} includes beyond the non-personal facts. */
export interface MachineInfoOptions {
  /**
   * Add the hostname and the user name (`--machine-details`). Off by default: reports get
   * published, and these identify a person or a network, not the hardware.
   */
  details?: boolean;
}

/** The user name, or 'unknown' where the OS has none for this process (some containers). */
function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * The machine and versions a result was measured with: CPU model, cores, memory, OS, Node and
 * library versions; the hostname and user name only when `details` asks for them.
 */
export function machineInfo(o: MachineInfoOptions = {}): JsonObject {
  const c = cpus();
  const b = backendInfo();
  return {
    descent: descentVersion(),
    node: process.version,
    v8: process.versions.v8,
    os: `${platform()} ${release()} (${arch()})`,
    cpu: c[0]?.model?.trim() ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    ...(o.details ? { hostname: hostname(), user: userName() } : {}),
    backend: `${b.name}${b.detail ? ` (${b.detail})` : ''}`,
    libraries: libraryVersions(),
  };
}

/** The command line as typed (program name + arguments), quoted where needed. */
export function commandLine(argv: readonly string[] = process.argv.slice(2), program = 'descent'): string {
  const q = (s: string): string => (/^[A-Za-z0-9_./:=,+@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return [program, ...argv.map(q)].join(' ');
}
