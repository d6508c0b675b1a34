/** One compute thread of the tab: the shared kernels, by kind, behind Comlink. */
import { expose } from 'comlink';
import { createKernelCache } from '../../../../shared/kinds/kernels.js';
import { SIEVE_COUNT } from '../../../../shared/kinds/sieve-count/index.js';
import { createUnitRunner } from '../../../unit-runner.js';
import type { SieveWorkerApi, SieveWorkerEvents, WorkerReply } from './sieve-api.js';

// Loaded once per worker and kept: kernels keep state (sieving primes) between units.
const kernelFor = createKernelCache();

// A macrotask behind the messages already queued (setTimeout would be clamped to 4 ms when
// chained): a cancel sent right behind its unit arrives before the unit starts.
const channel = new MessageChannel();
const runs: (() => void)[] = [];
channel.port1.onmessage = () => runs.shift()?.();
const later = (run: () => void) => {
  runs.push(run);
  channel.port2.postMessage(null);
};

let events: SieveWorkerEvents | undefined;
/** Each unit's Comlink call, answered when the unit ends. */
const replies = new Map<number, (reply: WorkerReply) => void>();
const answer = (id: number, reply: WorkerReply) => {
  replies.get(id)?.(reply);
  replies.delete(id);
};
const runner = createUnitRunner(kernelFor, later, {
  // A Comlink proxy call posts at once even while this thread keeps computing.
  started: (id) => void events?.started(id),
  progress: (id, fraction) => void events?.progress(id, fraction),
  done: (id, outcome, next) => answer(id, { ...outcome, ...(next === undefined ? {} : { next }) }),
  skipped: (id) => answer(id, { skipped: true }),
});

const api: SieveWorkerApi = {
  async kernel() {
    return (await kernelFor(SIEVE_COUNT)).name;
  },
  listen(listener) {
    events = listener;
  },
  compute(id, kind, unit) {
    return new Promise((resolve) => {
      replies.set(id, resolve);
      runner.add(id, kind, unit);
    });
  },
  cancel(id) {
    runner.cancel(id);
  },
};

expose(api);
