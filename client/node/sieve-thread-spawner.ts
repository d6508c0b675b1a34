/** Starts one worker_threads sieve thread for the ThreadedComputePool. */
import { Worker } from 'node:worker_threads';
import type { SpawnThread } from '../threaded-pool.js';
import type { JsonValue } from '../../shared/kinds/job-kind.js';
import type { ComputeReply } from './sieve-thread.js';

// From source, a shim that loads the TypeScript entry; inside the one-file worker
// (bundle-entry.ts), the bundle itself, which runs the sieve when it is not the main thread.
const THREAD_ENTRY = import.meta.url.endsWith('.ts')
  ? new URL('./sieve-thread.mjs', import.meta.url)
  : new URL(import.meta.url);

export const spawnSieveThread: SpawnThread = (onDeath) => {
  const worker = new Worker(THREAD_ENTRY);
  let nextId = 0;
  let pending:
    | { id: number; resolve(result: JsonValue): void; reject(error: Error): void; onProgress: ((fraction: number) => void) | undefined }
    | undefined;
  worker.on('message', (reply: ComputeReply) => {
    if (reply.id !== pending?.id) return;
    if ('progress' in reply) return void pending.onProgress?.(reply.progress);
    const { resolve, reject } = pending;
    pending = undefined;
    if ('error' in reply) reject(new Error(reply.error));
    else resolve(reply.result);
  });
  worker.on('error', onDeath);
  worker.on('exit', (code) => onDeath(new Error(`sieve thread exited with code ${code}`)));
  return {
    compute: (kind, unit, onProgress) =>
      new Promise((resolve, reject) => {
        pending = { id: nextId++, resolve, reject, onProgress };
        worker.postMessage({ id: pending.id, kind, unit });
      }),
    terminate: () => void worker.terminate(),
  };
};
