/**
 * A worker_threads entry: computes the units the pool sends with their kind's kernel, one at
 * a time in the order sent; a unit sent while another runs waits in the thread (unit-runner.ts).
 */
import { parentPort } from 'node:worker_threads';
import { createKernelCache } from '../../shared/kinds/kernels.js';
import type { JsonValue } from '../../shared/kinds/job-kind.js';
import { SIEVE_COUNT } from '../../shared/kinds/sieve-count/index.js';
import { createUnitRunner, type UnitOutcome } from '../unit-runner.js';

/** A unit to compute, or the cancellation of one not started yet. */
export type ComputeTask = { id: number; kind: string; unit: JsonValue } | { cancel: number };
/**
 * Per unit: `started` when it begins on an idle thread (otherwise the outcome of the unit
 * before it says so in `next`), any number of progress messages (fraction done), then its
 * outcome, or `skipped` if it was cancelled before it began.
 */
export type ComputeReply =
  | { id: number; started: true }
  | { id: number; progress: number }
  | ({ id: number; next?: number } & UnitOutcome)
  | { id: number; skipped: true };

if (!parentPort) throw new Error('sieve-thread must run in a worker thread');
const port = parentPort;
const kernelFor = createKernelCache();
// The sieve kernel is loaded at start, as most units are sieve units.
await kernelFor(SIEVE_COUNT);

const post = (reply: ComputeReply) => port.postMessage(reply);
// setImmediate runs after the messages already received: a cancel right behind its unit wins.
const runner = createUnitRunner(kernelFor, setImmediate, {
  started: (id) => post({ id, started: true }),
  progress: (id, progress) => post({ id, progress }),
  done: (id, outcome, next) => post({ id, ...outcome, ...(next === undefined ? {} : { next }) }),
  skipped: (id) => post({ id, skipped: true }),
});

port.on('message', (task: ComputeTask) => {
  if ('cancel' in task) runner.cancel(task.cancel);
  else runner.add(task.id, task.kind, task.unit);
});
