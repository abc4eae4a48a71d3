#!/usr/bin/env node
/**
 * The installed `descent` executable: checks that the lab's optional peer dependencies are
 * installed (a tensors-only install leaves them out) and says how to add them, then runs the
 * command line (main.ts, which imports them).
 */
import { assertInstalled, MissingPeerError } from '../platform/optional-peer.js';

/** What the lab's command line imports beyond the tensor library. */
const LAB_PEERS = ['commander', 'cli-progress', 'yaml', 'vega', 'vega-lite', '@resvg/resvg-js'] as const;

try {
  assertInstalled(LAB_PEERS, 'the descent command line (the lab)');
} catch (e) {
  if (!(e instanceof MissingPeerError)) throw e;
  process.stderr.write(`descent: ${e.message}\n`);
  process.exit(1);
}
await import('./main.js');
