/** A ComputePool of worker_threads, one unit per thread at a time, tasks queued in order. */
import { Worker } from 'node:worker_threads';
import type { ComputePool } from '../volunteer.js';
import type { CountReply, CountTask } from './sieve-thread.js';

const THREAD_ENTRY = new URL('./sieve-thread.mjs', import.meta.url);

interface Pending {
  task: CountTask;
  resolve(count: number): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  busy: Pending | undefined;
}

export class ThreadPool implements ComputePool {
  private readonly threads: Thread[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private size: number;
  private closed = false;

  constructor(size: number) {
    this.size = size;
    for (let i = 0; i < size; i++) this.spawn();
  }

  count(lo: number, hi: number): Promise<number> {
    if (this.closed) return Promise.reject(new Error('thread pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task: { id: this.nextId++, lo, hi }, resolve, reject });
      this.dispatch();
    });
  }

  resize(threads: number): void {
    this.size = threads;
    while (this.threads.length < this.size) this.spawn();
    for (const thread of this.threads.filter((t) => !t.busy).slice(0, this.threads.length - this.size)) {
      this.retire(thread);
    }
    this.dispatch();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('thread pool closed'));
    await Promise.all(this.threads.splice(0).map((thread) => thread.worker.terminate()));
  }

  private spawn(): void {
    const thread: Thread = { worker: new Worker(THREAD_ENTRY), busy: undefined };
    thread.worker.on('message', (reply: CountReply) => {
      const pending = thread.busy;
      thread.busy = undefined;
      if (pending) {
        if ('error' in reply) pending.reject(new Error(reply.error));
        else pending.resolve(reply.count);
      }
      if (this.threads.length > this.size) this.retire(thread);
      this.dispatch();
    });
    // A thread that dies fails its unit (the coordinator retries it) and is replaced.
    thread.worker.on('error', (error) => this.onExit(thread, error));
    thread.worker.on('exit', (code) => this.onExit(thread, new Error(`sieve thread exited with code ${code}`)));
    this.threads.push(thread);
  }

  private onExit(thread: Thread, error: Error): void {
    const index = this.threads.indexOf(thread);
    if (index < 0) return;
    this.threads.splice(index, 1);
    thread.busy?.reject(error);
    thread.busy = undefined;
    if (!this.closed && this.threads.length < this.size) this.spawn();
    this.dispatch();
  }

  private retire(thread: Thread): void {
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
    void thread.worker.terminate();
  }

  private dispatch(): void {
    for (const thread of this.threads) {
      if (thread.busy) continue;
      const next = this.queue.shift();
      if (!next) return;
      thread.busy = next;
      thread.worker.postMessage(next.task);
    }
  }
}
