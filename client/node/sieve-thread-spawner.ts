/** Starts one worker_threads sieve thread for the ThreadedComputePool. */
import { Worker } from 'node:worker_threads';
import type { SpawnThread, UnitHooks } from '../threaded-pool.js';
import type { JsonValue } from '../../shared/kinds/job-kind.js';
import type { ComputeReply, ComputeTask } from './sieve-thread.js';

// From source, a shim that loads the TypeScript entry; inside the one-file worker
// (bundle-entry.ts), the bundle itself, which runs the sieve when it is not the main thread.
const THREAD_ENTRY = import.meta.url.endsWith('.ts')
  ? new URL('./sieve-thread.mjs', import.meta.url)
  : new URL(import.meta.url);

interface Pending {
  hooks: UnitHooks;
  resolve(result: JsonValue): void;
  reject(error: Error): void;
}

export const spawnSieveThread: SpawnThread = (onDeath) => {
  const worker = new Worker(THREAD_ENTRY);
  let nextId = 0;
  const pending = new Map<number, Pending>();
  const send = (task: ComputeTask) => worker.postMessage(task);
  worker.on('message', (reply: ComputeReply) => {
    const call = pending.get(reply.id);
    if (!call) return;
    if ('started' in reply) return call.hooks.onStart();
    if ('progress' in reply) return call.hooks.onProgress?.(reply.progress);
    pending.delete(reply.id);
    if ('error' in reply) call.reject(new Error(reply.error));
    else call.resolve(reply.result);
  });
  worker.on('error', onDeath);
  worker.on('exit', (code) => onDeath(new Error(`sieve thread exited with code ${code}`)));
  return {
    compute(kind, unit, hooks) {
      const id = nextId++;
      const result = new Promise<JsonValue>((resolve, reject) => pending.set(id, { hooks, resolve, reject }));
      send({ id, kind, unit });
      return { result, cancel: () => send({ cancel: id }) };
    },
    terminate: () => void worker.terminate(),
  };
};
