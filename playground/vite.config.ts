/**
 * The playground's build: a static site in playground/dist that works from any static file
 * server (relative asset paths, no network at runtime). `descent` resolves to the repo's
 * portable root; the lab's only node-only import on the playground's path (node:crypto, for
 * run ids) is replaced by a shim that throws if it is ever called.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  resolve: {
    alias: [
      { find: /^descent$/, replacement: here('../src/index.ts') },
      { find: /^node:crypto$/, replacement: here('./src/shims/node-crypto.ts') },
    ],
  },
  worker: { format: 'es' },
  build: { outDir: here('./dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: {
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
});
