/**
 * The queue's libraries, BullMQ and ioredis, are optional peers (src/platform/optional-peer.ts):
 * loaded on first use, so only `--queue` and `descent worker` need them, and a missing one is an
 * error with its install command. Here too: the one Redis connection check every queue
 * command makes first, so an unreachable server is a clear error within seconds, not a hang.
 */
import type * as BullMQ from 'bullmq';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { requirePeer } from '../../platform/optional-peer.js';
import { LabError } from '../util.js';

const PURPOSE = 'the lab queue (--queue, descent worker)';

/** The BullMQ module. */
export function bullmq(): typeof BullMQ {
  return requirePeer<typeof BullMQ>('bullmq', PURPOSE);
}

type RedisConstructor = new (url: string, options: RedisOptions) => RedisClient;

function redisConstructor(): RedisConstructor {
  const mod = requirePeer<{ Redis?: RedisConstructor; default?: RedisConstructor }>('ioredis', PURPOSE);
  const ctor = mod.Redis ?? mod.default;
  if (!ctor) throw new LabError('ioredis: no Redis class exported (expected ioredis 5)');
  return ctor;
}

/** How long {@link connectRedis} waits for the server before giving up. */
export const CONNECT_TIMEOUT_MS = 3000;

/** Checks `url` is a redis:// or rediss:// URL; a LabError shows the expected form. */
export function checkRedisUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LabError(`--queue: '${url}' is not a URL; expected redis://HOST:PORT (e.g. redis://127.0.0.1:6379)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new LabError(`--queue: '${url}' is not a Redis URL; expected redis://HOST:PORT or rediss://HOST:PORT`);
  }
}

/**
 * BullMQ's connection options for `url`: BullMQ opens its own connections (with its own copy
 * of ioredis, which may differ from ours, so it is handed options rather than a client).
 */
export function bullConnection(url: string): BullMQ.ConnectionOptions {
  checkRedisUrl(url);
  const u = new URL(url);
  const db = u.pathname.replace(/^\//, '');
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT_MS,
  };
}

/**
 * A connection to the Redis server at `url` for descent's own keys, opened only after a quick probe: one attempt, {@link CONNECT_TIMEOUT_MS}
 * at most, so an unreachable server is a LabError naming the URL and what to check.
 */
export async function connectRedis(url: string): Promise<RedisClient> {
  checkRedisUrl(url);
  const Redis = redisConstructor();
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  probe.on('error', () => {}); // reported by connect() below
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    probe.disconnect();
    const why = err instanceof Error ? err.message : String(err);
    throw new LabError(
      `cannot reach Redis at ${url} (${why}); start a server there (e.g. redis-server --port ${new URL(url).port || 6379}) or pass the address of a running one to --queue`,
    );
  }
  probe.disconnect();
  const client = new Redis(url, { connectTimeout: CONNECT_TIMEOUT_MS });
  client.on('error', () => {}); // ioredis reconnects by itself; BullMQ reports what fails
  return client;
}
