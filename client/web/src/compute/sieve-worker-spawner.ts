/** Starts one Web Worker running the shared kernel behind Comlink, for the ThreadedComputePool. */
import { proxy, releaseProxy, wrap } from 'comlink';
import { threadCalls, type SpawnThread } from '../../../threaded-pool.js';
import type { SieveWorkerApi } from '../workers/sieve-api.js';

export const spawnSieveWorker: SpawnThread = (onDeath) => {
  const worker = new Worker(new URL('../workers/sieve.worker.ts', import.meta.url), { type: 'module', name: 'sieve' });
  const api = wrap<SieveWorkerApi>(worker);
  const calls = threadCalls();
  void api.listen(proxy({ started: calls.started, progress: calls.progress }));
  // A worker that dies (kernel failed to load, out of memory) would leave its Comlink call
  // pending for ever: the pool fails its unit so the coordinator reissues it.
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    onDeath(new Error(`sieve worker failed: ${event.message || 'unknown error'}`));
  });
  return {
    compute(kind, unit, hooks) {
      const { id, result } = calls.open(hooks);
      api.compute(id, kind, unit).then(
        (reply) => ('skipped' in reply ? calls.skipped(id) : calls.done(id, reply, reply.next)),
        (error: unknown) => calls.done(id, { error: error instanceof Error ? error.message : String(error) }, undefined),
      );
      return { result, cancel: () => void api.cancel(id) };
    },
    terminate: () => {
      api[releaseProxy]();
      worker.terminate();
    },
  };
};
