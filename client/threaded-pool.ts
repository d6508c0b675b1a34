/**
 * A ComputePool over threads of any kind (worker_threads in Node, Web Workers in the
 * browser): one unit per thread at a time, tasks queued in order, resizable, and a thread
 * that dies fails its unit (the coordinator reissues it) and is replaced.
 *
 * A busy thread also gets the next waiting unit before its current one ends, queued inside
 * the thread (client/unit-runner.ts): it starts that unit the moment it finishes, without a
 * hop through this thread, which may be busy or, on a loaded machine, not scheduled.
 */
import type { JsonValue } from '../shared/kinds/job-kind.js';
import type { UnitOutcome } from './unit-runner.js';
import type { ComputePool } from './volunteer.js';

export interface UnitHooks {
  /** The thread begins the unit. */
  onStart(): void;
  /** The fraction done, when the kind's kernel reports it. */
  onProgress: ((fraction: number) => void) | undefined;
}

/** A unit sent to a thread: its result, and a way to skip it if it has not started. */
export interface ThreadCall {
  /** Settles with the result or the kernel's error; rejects too when the unit was skipped. */
  result: Promise<JsonValue>;
  /** Asks the thread to skip the unit if it has not started; a started one runs on. */
  cancel(): void;
}

/**
 * One compute thread; `spawn` gets a callback to call if the thread dies on its own. The
 * thread dispatches by kind to that kind's kernel (shared/kinds/kernels.ts) and computes the
 * units sent to it one at a time, in the order sent.
 */
export interface SieveThread {
  compute(kind: string, unit: JsonValue, hooks: UnitHooks): ThreadCall;
  terminate(): void;
}
export type SpawnThread = (onDeath: (error: Error) => void) => SieveThread;

/** The message a unit skipped by its thread (cancelled before it began) rejects with. */
const SKIPPED = 'the unit was cancelled before it started';

/**
 * A spawner's bookkeeping of the units it sent to its thread, by id: it opens one per unit
 * and passes on what the thread says of them (unit-runner.ts).
 */
export function threadCalls() {
  let nextId = 0;
  const open = new Map<number, { hooks: UnitHooks; resolve(result: JsonValue): void; reject(error: Error): void }>();
  const close = (id: number) => {
    const call = open.get(id);
    open.delete(id);
    return call;
  };
  return {
    open(hooks: UnitHooks): { id: number; result: Promise<JsonValue> } {
      const id = nextId++;
      return { id, result: new Promise((resolve, reject) => open.set(id, { hooks, resolve, reject })) };
    },
    started: (id: number) => open.get(id)?.hooks.onStart(),
    progress: (id: number, fraction: number) => open.get(id)?.hooks.onProgress?.(fraction),
    done(id: number, outcome: UnitOutcome, next: number | undefined) {
      const call = close(id);
      if (next !== undefined) open.get(next)?.hooks.onStart();
      if ('error' in outcome) call?.reject(new Error(outcome.error));
      else call?.resolve(outcome.result);
    },
    skipped: (id: number) => close(id)?.reject(new Error(SKIPPED)),
  };
}

/** Units a thread holds at once: the one it computes and the next, waiting inside it. */
const UNITS_PER_THREAD = 2;

interface Task {
  kind: string;
  unit: JsonValue;
  onProgress: ((fraction: number) => void) | undefined;
  resolve(result: JsonValue): void;
  reject(error: Error): void;
}

/** A unit sent to a thread; `task` is cleared when it is aborted, and its outcome then dropped. */
interface Sent {
  task: Task | undefined;
  call: ThreadCall | undefined;
  started: boolean;
}

interface Slot {
  thread: SieveThread;
  /** In the thread's order: the first is running (or about to), the rest wait inside it. */
  sent: Sent[];
  /** When its running unit was sent or started: the busy thread likely to free up first. */
  since: number;
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

  /** Computes a unit in the next free thread. Aborting stops the computation: its thread is replaced if it started. */
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
    // Busy threads finish their units first; they are retired when they come back.
    const idle = this.slots.filter((slot) => slot.sent.length === 0);
    for (const slot of idle.slice(0, Math.max(0, this.slots.length - this.size))) this.retire(slot);
    this.dispatch();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('compute pool closed'));
    for (const slot of [...this.slots]) {
      for (const sent of slot.sent) sent.task?.reject(new Error('compute pool closed'));
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
    for (const slot of this.slots) {
      const sent = slot.sent.find((candidate) => candidate.task === task);
      if (!sent) continue;
      sent.task = undefined;
      task.reject(abortError());
      // Not started: the thread skips it (and if it starts it first, started() ends the thread).
      if (sent.started) this.replace(slot, abortError());
      else sent.call?.cancel();
      return;
    }
  }

  private spawn(): void {
    const slot: Slot = { thread: this.spawnThread((error) => this.replace(slot, error)), sent: [], since: 0 };
    this.slots.push(slot);
  }

  /**
   * Ends a thread (it died, or runs an aborted unit): its running unit (the started one, else
   * the first: a unit that kills its thread must fail, not go round again) fails with
   * `error`, and the units waiting inside it go back to the front of the queue.
   */
  private replace(slot: Slot, error: Error): void {
    if (!this.slots.includes(slot)) return;
    const sent = slot.sent.splice(0);
    this.retire(slot);
    const running = sent.find((candidate) => candidate.started) ?? sent[0];
    const waiting: Task[] = [];
    for (const { task } of sent.filter((candidate) => candidate !== running)) if (task) waiting.push(task);
    running?.task?.reject(error);
    this.queue.unshift(...waiting);
    if (!this.closed && this.slots.length < this.size) this.spawn();
    this.dispatch();
  }

  private retire(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    slot.thread.terminate();
  }

  /** Idle threads first; then one waiting unit per busy thread, to the one busy the longest. */
  private nextSlot(): Slot | undefined {
    const idle = this.slots.find((slot) => slot.sent.length === 0);
    // A pool shrinking retires threads as they empty: it queues nothing inside them.
    if (idle || this.slots.length > this.size) return idle;
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.sent.length < UNITS_PER_THREAD && (!best || slot.since < best.since)) best = slot;
    }
    return best;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.nextSlot();
      if (!slot) return;
      this.send(slot, this.queue.shift()!);
    }
  }

  private send(slot: Slot, task: Task): void {
    const sent: Sent = { task, call: undefined, started: false };
    if (slot.sent.length === 0) slot.since = Date.now();
    slot.sent.push(sent);
    const call = slot.thread.compute(task.kind, task.unit, {
      onStart: () => this.started(slot, sent),
      onProgress: (fraction) => sent.task?.onProgress?.(fraction),
    });
    sent.call = call;
    call.result.then(
      (result) => this.settle(slot, sent, (done) => done.resolve(result)),
      (error: unknown) => this.settle(slot, sent, (done) => done.reject(error instanceof Error ? error : new Error(String(error)))),
    );
  }

  private started(slot: Slot, sent: Sent): void {
    if (!slot.sent.includes(sent)) return;
    sent.started = true;
    slot.since = Date.now();
    // Aborted while it waited, and the cancel came too late: stop the thread.
    if (!sent.task) this.replace(slot, abortError());
  }

  private settle(slot: Slot, sent: Sent, deliver: (task: Task) => void): void {
    const index = slot.sent.indexOf(sent);
    // A thread replaced after dying has already failed or requeued its units.
    if (index < 0) return;
    slot.sent.splice(index, 1);
    if (sent.task) deliver(sent.task);
    if (this.slots.length > this.size && slot.sent.length === 0) this.retire(slot);
    this.dispatch();
  }
}

function abortError(): Error {
  return new DOMException('the computation was aborted', 'AbortError');
}
