/**
 * The compute thread's side of its units (a worker_threads thread or a Web Worker): units
 * arrive while another one runs and wait here, so a thread that finishes one starts the next
 * at once, without waiting for the main thread to hand it over. It computes one unit at a
 * time, in the order sent. A unit cancelled before it starts is skipped; one already running
 * runs on (the main thread ends the whole thread to stop it).
 */
import type { JsonValue } from '../shared/kinds/job-kind.js';
import type { UnitKernel } from '../shared/kinds/kernels.js';

export interface RunnerHooks {
  /** The thread begins this unit (the main thread learns it can no longer skip it). */
  started(): void;
  progress(fraction: number): void;
}

export interface UnitRunner {
  /** Queues a unit; resolves with its result, rejects with the kernel's error or SKIPPED. */
  run(id: number, kind: string, unit: JsonValue, hooks: RunnerHooks): Promise<JsonValue>;
  /** Skips the unit if it has not started; does nothing otherwise. */
  cancel(id: number): void;
}

/** The message a skipped unit rejects with. */
export const SKIPPED = 'the unit was cancelled before it started';

interface Waiting {
  id: number;
  kind: string;
  unit: JsonValue;
  hooks: RunnerHooks;
  resolve(result: JsonValue): void;
  reject(error: Error): void;
}

/**
 * `later` runs a function after the messages already queued for this thread (setImmediate in
 * Node, a MessageChannel round in a Web Worker): a cancel sent right behind a unit then
 * arrives before the unit starts.
 */
export function createUnitRunner(kernelFor: (kind: string) => Promise<UnitKernel>, later: (run: () => void) => void): UnitRunner {
  const waiting: Waiting[] = [];
  let busy = false;

  const schedule = () => {
    if (busy || waiting.length === 0) return;
    busy = true;
    later(() => void runNext());
  };

  const runNext = async () => {
    const next = waiting.shift();
    if (next) {
      next.hooks.started();
      try {
        const kernel = await kernelFor(next.kind);
        next.resolve(kernel.compute(next.unit, (fraction) => next.hooks.progress(fraction)));
      } catch (error) {
        next.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    busy = false;
    schedule();
  };

  return {
    run: (id, kind, unit, hooks) =>
      new Promise((resolve, reject) => {
        waiting.push({ id, kind, unit, hooks, resolve, reject });
        schedule();
      }),
    cancel(id) {
      const index = waiting.findIndex((unit) => unit.id === id);
      if (index < 0) return;
      const [skipped] = waiting.splice(index, 1);
      skipped?.reject(new Error(SKIPPED));
    },
  };
}
