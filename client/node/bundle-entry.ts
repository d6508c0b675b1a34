/**
 * Entry of the one-file worker (scripts/build-bundles.ts): the same file runs the worker on
 * the main thread and the sieve in each worker thread it starts.
 */
import { isMainThread } from 'node:worker_threads';

if (isMainThread) await import('./main.js');
else await import('./sieve-thread.js');
