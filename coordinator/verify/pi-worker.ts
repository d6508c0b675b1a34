/**
 * pi(x) on one coordinator worker thread, never on the event loop: requests queue and run one
 * at a time, so a verification takes at most one core. Answers are cached (a job verified
 * again after a recount asks for the same x).
 */
import { Worker } from 'node:worker_threads';
import type { PiReply } from './pi-thread.js';

// From source, a shim that loads the TypeScript entry; inside the one-file coordinator
// (bundle-entry.ts), the bundle itself, which runs pi-thread when it is not the main thread.
const THREAD_ENTRY = import.meta.url.endsWith('.ts') ? new URL('./pi-thread.mjs', import.meta.url) : new URL(import.meta.url);

const CACHE_SIZE = 1024;

export interface PiWorker {
  pi(x: number): Promise<bigint>;
  close(): Promise<void>;
}

export function startPiWorker(): PiWorker {
  const worker = new Worker(THREAD_ENTRY);
  const pending = new Map<number, { resolve(pi: bigint): void; reject(error: Error): void }>();
  const cache = new Map<number, Promise<bigint>>();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure = error;
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: PiReply) => {
    const request = pending.get(reply.id);
    if (!request) return;
    pending.delete(reply.id);
    if ('error' in reply) request.reject(new Error(reply.error));
    else request.resolve(BigInt(reply.pi));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the pi thread exited with code ${code}`)));
  // The thread is idle between verifications: it must not keep the process alive.
  worker.unref();
  return {
    pi(x) {
      const cached = cache.get(x);
      if (cached) return cached;
      const answer = new Promise<bigint>((resolve, reject) => {
        if (failure) return reject(failure);
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, x: String(x) });
      });
      answer.catch(() => cache.delete(x));
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(x, answer);
      return answer;
    },
    async close() {
      await worker.terminate();
    },
  };
}
