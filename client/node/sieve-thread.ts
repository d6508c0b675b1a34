/** A worker_threads entry: counts primes in the ranges the pool sends, one at a time. */
import { parentPort } from 'node:worker_threads';
import { loadKernel } from '../../shared/sieve/index.js';

export interface CountTask {
  id: number;
  lo: number;
  hi: number;
}
export type CountReply = { id: number; count: number } | { id: number; error: string };

if (!parentPort) throw new Error('sieve-thread must run in a worker thread');
const port = parentPort;
const kernel = await loadKernel();

port.on('message', (task: CountTask) => {
  let reply: CountReply;
  try {
    reply = { id: task.id, count: kernel.countPrimes(task.lo, task.hi) };
  } catch (error) {
    reply = { id: task.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
