/**
 * A ComputePool over threads of any kind (worker_threads in Node, Web Workers in the
 * browser): one unit per thread at a time, tasks queued in order, resizable, and a thread
 * that dies fails its unit (the coordinator reissues it) and is replaced.
 */
import type { JsonValue } from '../shared/kinds/job-kind.js';
import type { ComputePool } from './volunteer.js';

/**
 * One compute thread; `spawn` gets a callback to call if the thread dies on its own. The
 * thread dispatches by kind to that kind's kernel (shared/kinds/kernels.ts).
 */
export interface SieveThread {
  /** `onProgress` gets the fraction done, when the kind's kernel reports it. */
  compute(kind: string, unit: JsonValue, onProgress?: (fraction: number) => void): Promise<JsonValue>;
  terminate(): void;
}
export type SpawnThread = (onDeath: (error: Error) => void) => SieveThread;

interface Task {
  kind: string;
  unit: JsonValue;
  onProgress: ((fraction: number) => void) | undefined;
  resolve(result: JsonValue): void;
  reject(error: Error): void;
}

interface Slot {
  thread: SieveThread;
  busy: Task | undefined;
}

export class ThreadedComputePool implements ComputePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private closed = false;

  constructor(
    private readonly spawnThread: SpawnThread,
    private size: number,
  ) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  /** Computes a unit in the next free thread. Aborting stops the computation: its thread is replaced. */
  compute(kind: string, unit: JsonValue, signal?: AbortSignal, onProgress?: (fraction: number) => void): Promise<JsonValue> {
    if (this.closed) return Promise.reject(new Error('compute pool is closed'));
    if (signal?.aborted) return Promise.reject(abortError());
    return new Promise((resolve, reject) => {
      const task: Task = { kind, unit, onProgress, resolve, reject };
      this.queue.push(task);
      signal?.addEventListener('abort', () => this.abort(task), { once: true });
      this.dispatch();
    });
  }

  resize(threads: number): void {
    this.size = threads;
    while (this.slots.length < this.size) this.spawn();
    // Busy threads finish their unit first; they are retired when they come back.
    const idle = this.slots.filter((slot) => !slot.busy);
    for (const slot of idle.slice(0, Math.max(0, this.slots.length - this.size))) this.retire(slot);
    this.dispatch();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('compute pool closed'));
    for (const slot of [...this.slots]) {
      slot.busy?.reject(new Error('compute pool closed'));
      this.retire(slot);
    }
  }

  private abort(task: Task): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      task.reject(abortError());
      return;
    }
    const slot = this.slots.find((candidate) => candidate.busy === task);
    if (slot) this.replace(slot, abortError());
  }

  private spawn(): void {
    const slot: Slot = { thread: this.spawnThread((error) => this.replace(slot, error)), busy: undefined };
    this.slots.push(slot);
  }

  private replace(slot: Slot, error: Error): void {
    if (!this.slots.includes(slot)) return;
    const task = slot.busy;
    slot.busy = undefined;
    this.retire(slot);
    task?.reject(error);
    if (!this.closed && this.slots.length < this.size) this.spawn();
    this.dispatch();
  }

  private retire(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    slot.thread.terminate();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.busy = task;
      slot.thread.compute(task.kind, task.unit, task.onProgress).then(
        (result) => this.settle(slot, task, () => task.resolve(result)),
        (error: unknown) => this.settle(slot, task, () => task.reject(error instanceof Error ? error : new Error(String(error)))),
      );
    }
  }

  private settle(slot: Slot, task: Task, deliver: () => void): void {
    // A thread replaced after dying has already failed its task.
    if (slot.busy !== task) return;
    slot.busy = undefined;
    deliver();
    if (this.slots.length > this.size) this.retire(slot);
    this.dispatch();
  }
}

function abortError(): Error {
  return new DOMException('the computation was aborted', 'AbortError');
}
