/** One compute thread of the tab: the shared kernels, by kind, behind Comlink. */
import { expose } from 'comlink';
import { createKernelCache } from '../../../../shared/kinds/kernels.js';
import { SIEVE_COUNT } from '../../../../shared/kinds/sieve-count/index.js';
import { createUnitRunner } from '../../../unit-runner.js';
import type { SieveWorkerApi } from './sieve-api.js';

// Loaded once per worker and kept: kernels keep state (sieving primes) between units.
const kernelFor = createKernelCache();

// A macrotask behind the messages already queued (setTimeout would be clamped to 4 ms when
// chained): a cancel sent right behind its unit arrives before the unit starts.
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const later = (run: () => void) => {
  waiting.push(run);
  channel.port2.postMessage(null);
};
const runner = createUnitRunner(kernelFor, later);

const api: SieveWorkerApi = {
  async kernel() {
    return (await kernelFor(SIEVE_COUNT)).name;
  },
  compute(id, kind, unit, onStart, onProgress) {
    // A Comlink proxy call posts at once even while this thread keeps computing.
    return runner.run(id, kind, unit, {
      started: () => void onStart(),
      progress: (fraction) => void onProgress?.(fraction),
    });
  },
  cancel(id) {
    runner.cancel(id);
  },
};

expose(api);
