/**
 * Entry of the one-file coordinator (scripts/build-bundles.ts): the same file runs the
 * coordinator on the main thread and pi(x) in the verification thread it starts.
 */
import { isMainThread } from 'node:worker_threads';

if (isMainThread) await import('./main.js');
else await import('./verify/pi-thread.js');
