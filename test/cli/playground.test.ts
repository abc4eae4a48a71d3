// `descent playground`'s server: the packaged site (dist/playground) served on 127.0.0.1 with
// the cross-origin isolation headers, wasm as application/wasm, nothing outside the site, and
// an error that says what to do when there is no site at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlayground } from '../../src/cli/playground.js';

function get(url: string, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((ok, fail) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('playground: serves the packaged site with COOP/COEP, typed files, and nothing outside it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'descent-pg-'));
  mkdirSync(join(root, 'dist', 'playground', 'assets'), { recursive: true });
  writeFileSync(join(root, 'dist', 'playground', 'index.html'), '<!doctype html><title>pg</title>');
  writeFileSync(join(root, 'dist', 'playground', 'assets', 'k.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(join(root, 'secret.txt'), 'no');
  let log = '';
  const server = await startPlayground({ port: 0, open: false, root, log: (l) => (log += l) });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.match(log, /serving .*dist\/playground/);
    const index = await get(server.url, '/');
    assert.equal(index.status, 200);
    assert.equal(index.body, '<!doctype html><title>pg</title>');
    assert.equal(index.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(index.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    const wasm = await get(server.url, '/assets/k.wasm');
    assert.equal(wasm.headers['content-type'], 'application/wasm');
    assert.equal(wasm.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal((await get(server.url, '/%2e%2e/secret.txt')).status, 404, 'URL parsing resolves the dots inside the site');
    assert.equal((await get(server.url, '/..%2fsecret.txt')).status, 403, 'an encoded slash cannot climb out');
    assert.equal((await get(server.url, '/missing.js')).status, 404);
    assert.equal((await get(server.url, '/', 'POST')).status, 405);
  } finally {
    await server.close();
  }
});

test('playground: no site and no sources is an error saying how to get one; a bad port is named', async () => {
  const root = mkdtempSync(join(tmpdir(), 'descent-pg-empty-'));
  await assert.rejects(startPlayground({ port: 0, open: false, root, log: () => {} }), /no built site in .*dist\/playground and no playground sources.*npm run playground:build/);
  await assert.rejects(startPlayground({ port: 70000, open: false, root, log: () => {} }), /--port must be an integer from 0 to 65535, got 70000/);
});
