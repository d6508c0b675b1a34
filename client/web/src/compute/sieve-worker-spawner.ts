/** Starts one Web Worker running the shared kernel behind Comlink, for the ThreadedComputePool. */
import { proxy, releaseProxy, wrap } from 'comlink';
import type { SpawnThread } from '../../../threaded-pool.js';
import type { SieveWorkerApi } from '../workers/sieve-api.js';

export const spawnSieveWorker: SpawnThread = (onDeath) => {
  const worker = new Worker(new URL('../workers/sieve.worker.ts', import.meta.url), { type: 'module', name: 'sieve' });
  const api = wrap<SieveWorkerApi>(worker);
  let nextId = 0;
  // A worker that dies (kernel failed to load, out of memory) would leave its Comlink call
  // pending for ever: the pool fails its unit so the coordinator reissues it.
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    onDeath(new Error(`sieve worker failed: ${event.message || 'unknown error'}`));
  });
  return {
    compute(kind, unit, { onStart, onProgress }) {
      const id = nextId++;
      return {
        result: api.compute(id, kind, unit, proxy(onStart), onProgress && proxy(onProgress)),
        cancel: () => void api.cancel(id),
      };
    },
    terminate: () => {
      api[releaseProxy]();
      worker.terminate();
    },
  };
};
