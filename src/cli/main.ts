#!/usr/bin/env node
/** The `descent` executable. */
import { tuneNativeAllocator } from '../backend/allocator.js';
import { initBackend } from '../backend/load.js';
import { activeRun } from '../lab/experiment.js';
import { runCli } from './program.js';

// A reader that closed the pipe early (`descent ... | head`) wants no more output: stop quietly
// with success, as `cat` and `ls` do (they die of SIGPIPE; Node ignores it and reports EPIPE).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      activeRun?.releaseLock();
      process.exit(0);
    }
    throw err;
  });
}

process.on('SIGINT', () => {
  const run = activeRun;
  if (run) {
    run.progress.stop();
    run.releaseLock();
    process.stderr.write(`\ninterrupted: every finished trial is saved in ${run.dir}; run the same command again to resume\n`);
  }
  process.exit(130);
});

// Keep freed tensor arrays in the C heap rather than new pages each step (allocator.ts);
// DESCENT_TUNE_MALLOC=0 turns it off.
tuneNativeAllocator();
// The fastest backend available (system BLAS, else wasm, else js); DESCENT_BACKEND overrides.
initBackend();
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
