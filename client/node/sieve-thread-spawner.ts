/** Starts one worker_threads sieve thread for the ThreadedComputePool. */
import { Worker } from 'node:worker_threads';
import { threadCalls, type SpawnThread } from '../threaded-pool.js';
import type { ComputeReply, ComputeTask } from './sieve-thread.js';

// From source, a shim that loads the TypeScript entry; inside the one-file worker
// (bundle-entry.ts), the bundle itself, which runs the sieve when it is not the main thread.
const THREAD_ENTRY = import.meta.url.endsWith('.ts')
  ? new URL('./sieve-thread.mjs', import.meta.url)
  : new URL(import.meta.url);

export const spawnSieveThread: SpawnThread = (onDeath) => {
  const worker = new Worker(THREAD_ENTRY);
  const send = (task: ComputeTask) => worker.postMessage(task);
  const calls = threadCalls();
  worker.on('message', (reply: ComputeReply) => {
    if ('started' in reply) calls.started(reply.id);
    else if ('progress' in reply) calls.progress(reply.id, reply.progress);
    else if ('skipped' in reply) calls.skipped(reply.id);
    else calls.done(reply.id, reply, reply.next);
  });
  worker.on('error', onDeath);
  worker.on('exit', (code) => onDeath(new Error(`sieve thread exited with code ${code}`)));
  return {
    compute(kind, unit, hooks) {
      const { id, result } = calls.open(hooks);
      send({ id, kind, unit });
      return { result, cancel: () => send({ cancel: id }) };
    },
    terminate: () => void worker.terminate(),
  };
};
