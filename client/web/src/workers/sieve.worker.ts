/** One compute thread of the tab: the shared kernels, by kind, behind Comlink. */
import { expose } from 'comlink';
import { createKernelCache } from '../../../../shared/kinds/kernels.js';
import { SIEVE_COUNT } from '../../../../shared/kinds/sieve-count/index.js';
import type { SieveWorkerApi } from './sieve-api.js';

// Loaded once per worker and kept: kernels keep state (sieving primes) between units.
const kernelFor = createKernelCache();

const api: SieveWorkerApi = {
  async kernel() {
    return (await kernelFor(SIEVE_COUNT)).name;
  },
  async compute(kind, unit, onProgress) {
    // A Comlink proxy call posts at once even while this thread keeps computing.
    return (await kernelFor(kind)).compute(unit, onProgress && ((fraction) => void onProgress(fraction)));
  },
};

expose(api);
