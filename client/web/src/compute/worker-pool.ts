/**
 * The tab's ComputePool: Web Workers running the shared kernel, wrapped with Comlink, one
 * unit per worker at a time, tasks queued in order (the browser twin of client/node/thread-pool.ts).
 */
import { wrap, releaseProxy, type Remote } from 'comlink';
import type { ComputePool } from '../../../volunteer.js';
import type { SieveWorkerApi } from '../workers/sieve-api.js';

interface Task {
  lo: number;
  hi: number;
  resolve(count: number): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  api: Remote<SieveWorkerApi>;
  busy: Task | undefined;
}

export class WebWorkerPool implements ComputePool {
  private readonly threads: Thread[] = [];
  private readonly queue: Task[] = [];
  private size: number;
  private closed = false;

  constructor(size: number) {
    this.size = size;
    for (let i = 0; i < size; i++) this.spawn();
  }

  count(lo: number, hi: number): Promise<number> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ lo, hi, resolve, reject });
      this.dispatch();
    });
  }

  resize(threads: number): void {
    this.size = threads;
    while (this.threads.length < this.size) this.spawn();
    // Busy workers finish their unit first; they are retired when they come back.
    const idle = this.threads.filter((thread) => !thread.busy);
    for (const thread of idle.slice(0, Math.max(0, this.threads.length - this.size))) this.retire(thread);
    this.dispatch();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('worker pool closed'));
    for (const thread of [...this.threads]) {
      thread.busy?.reject(new Error('worker pool closed'));
      this.retire(thread);
    }
  }

  private spawn(): void {
    const worker = new Worker(new URL('../workers/sieve.worker.ts', import.meta.url), {
      type: 'module',
      name: 'sieve',
    });
    const thread: Thread = { worker, api: wrap<SieveWorkerApi>(worker), busy: undefined };
    // A worker that dies (kernel failed to load, out of memory) would leave its Comlink call
    // pending for ever: fail its unit so the coordinator reissues it, and replace the worker.
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.replace(thread, new Error(`sieve worker failed: ${event.message || 'unknown error'}`));
    });
    this.threads.push(thread);
  }

  private replace(thread: Thread, error: Error): void {
    const task = thread.busy;
    thread.busy = undefined;
    this.retire(thread);
    task?.reject(error);
    if (!this.closed && this.threads.length < this.size) this.spawn();
    this.dispatch();
  }

  private retire(thread: Thread): void {
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
    thread.api[releaseProxy]();
    thread.worker.terminate();
  }

  private dispatch(): void {
    for (const thread of this.threads) {
      if (thread.busy) continue;
      const task = this.queue.shift();
      if (!task) return;
      thread.busy = task;
      thread.api.count(task.lo, task.hi).then(
        (count) => this.settle(thread, task, () => task.resolve(count)),
        (error: unknown) =>
          this.settle(thread, task, () => task.reject(error instanceof Error ? error : new Error(String(error)))),
      );
    }
  }

  private settle(thread: Thread, task: Task, deliver: () => void): void {
    if (thread.busy !== task) return;
    thread.busy = undefined;
    deliver();
    if (this.threads.length > this.size) this.retire(thread);
    this.dispatch();
  }
}
