import { Worker } from 'node:worker_threads';
import { expect, test } from 'vitest';
import type { JsonValue } from '../shared/kinds/job-kind.js';
import { SIEVE_COUNT } from '../shared/kinds/sieve-count/index.js';
import { sieveProgressSlices } from '../shared/kinds/sieve-cost.js';
import { spawnSieveThread } from './node/sieve-thread-spawner.js';
import { ThreadedComputePool, type SpawnThread } from './threaded-pool.js';

test('counts on real worker threads, in parallel, and reports kernel errors per unit', async () => {
  const pool = new ThreadedComputePool(spawnSieveThread, 2);
  try {
    const counts = await Promise.all([
      pool.compute(SIEVE_COUNT, { lo: 1, hi: 1e6 }),
      pool.compute(SIEVE_COUNT, { lo: 1e6 + 1, hi: 2e6 }),
      pool.compute(SIEVE_COUNT, { lo: 1, hi: 1e7 }),
      pool.compute(SIEVE_COUNT, { lo: 2, hi: 2 }),
    ]);
    expect(counts).toEqual([78_498, 70_435, 664_579, 1]);
    await expect(pool.compute(SIEVE_COUNT, { lo: 5, hi: 4 })).rejects.toThrow('a sieve-count unit is {lo, hi} with 0 <= lo <= hi <= 2^53 - 1, got {"lo":5,"hi":4}');
    await expect(pool.compute('no-such-kind', {})).rejects.toThrow('this volunteer has no kernel for kind "no-such-kind"');
    pool.resize(1);
    expect(await pool.compute(SIEVE_COUNT, { lo: 1, hi: 1e5 })).toBe(9592);
    pool.resize(3);
    expect(await Promise.all([pool.compute(SIEVE_COUNT, { lo: 1, hi: 100 }), pool.compute(SIEVE_COUNT, { lo: 1, hi: 1000 }), pool.compute(SIEVE_COUNT, { lo: 1, hi: 10_000 })])).toEqual([25, 168, 1229]);
  } finally {
    await pool.close();
  }
  await expect(pool.compute(SIEVE_COUNT, { lo: 1, hi: 10 })).rejects.toThrow('compute pool is closed');
});

/** Spawns threads of which the first exits as soon as it is asked anything; the rest are real sieve threads. */
function spawnDyingFirst(): { spawn: SpawnThread; spawned(): number } {
  let spawned = 0;
  const spawn: SpawnThread = (onDeath) => {
    spawned++;
    if (spawned > 1) return spawnSieveThread(onDeath);
    const worker = new Worker("require('node:worker_threads').parentPort.on('message', () => process.exit(7))", { eval: true });
    worker.on('exit', (code) => onDeath(new Error(`exited with ${code}`)));
    return {
      compute: () => {
        worker.postMessage('go');
        return { result: new Promise<JsonValue>(() => {}), cancel: () => {} };
      },
      terminate: () => void worker.terminate(),
    };
  };
  return { spawn, spawned: () => spawned };
}

test('a thread that dies fails its unit and is replaced', async () => {
  const threads = spawnDyingFirst();
  const pool = new ThreadedComputePool(threads.spawn, 1);
  try {
    await expect(pool.compute(SIEVE_COUNT, { lo: 1, hi: 100 })).rejects.toThrow('exited with 7');
    expect(await pool.compute(SIEVE_COUNT, { lo: 1, hi: 100 })).toBe(25);
    expect(threads.spawned()).toBe(2);
  } finally {
    await pool.close();
  }
});

test('aborting stops a running computation at once and drops a queued one', async () => {
  const pool = new ThreadedComputePool(spawnSieveThread, 1);
  try {
    const running = new AbortController();
    const queued = new AbortController();
    // About a minute of sieving if it were left to run.
    const long = pool.compute(SIEVE_COUNT, { lo: 1e15, hi: 1e15 + 1e11 }, running.signal);
    const dropped = pool.compute(SIEVE_COUNT, { lo: 1, hi: 1000 }, queued.signal);
    const next = pool.compute(SIEVE_COUNT, { lo: 1, hi: 100 });
    queued.abort();
    running.abort();
    await expect(long).rejects.toMatchObject({ name: 'AbortError' });
    await expect(dropped).rejects.toMatchObject({ name: 'AbortError' });
    expect(await next).toBe(25);
  } finally {
    await pool.close();
  }
});

test('a long unit reports its progress from the thread, and its count stays exact', async () => {
  const pool = new ThreadedComputePool(spawnSieveThread, 1);
  try {
    const fractions: number[] = [];
    // pi(1e11 + 1.5e9) - pi(1e11 - 1), by primecount; the thread counts it in sieveProgressSlices parts.
    const unit = { lo: 1e11, hi: 1e11 + 1.5e9 };
    const slices = sieveProgressSlices(unit.lo, unit.hi);
    expect(slices).toBeGreaterThan(1);
    expect(await pool.compute(SIEVE_COUNT, unit, undefined, (fraction) => fractions.push(fraction))).toBe(59_208_787);
    expect(fractions).toHaveLength(slices - 1);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions[0]).toBeGreaterThan(0);
    expect(fractions.at(-1)).toBeLessThan(1);
  } finally {
    await pool.close();
  }
});

/** Real sieve threads that log what the pool sends them and when each unit starts and ends. */
function loggedThreads(log: string[]): { spawn: SpawnThread; spawned(): number } {
  let spawned = 0;
  let units = 0;
  return {
    spawned: () => spawned,
    spawn: (onDeath) => {
      spawned++;
      const thread = spawnSieveThread(onDeath);
      return {
        compute(kind, unit, hooks) {
          const id = units++;
          log.push(`send ${id}`);
          const call = thread.compute(kind, unit, {
            onStart: () => {
              log.push(`start ${id}`);
              hooks.onStart();
            },
            onProgress: hooks.onProgress,
          });
          call.result.then(
            () => log.push(`done ${id}`),
            () => log.push(`skipped or failed ${id}`),
          );
          return call;
        },
        terminate: () => thread.terminate(),
      };
    },
  };
}

test('a busy thread gets its next unit before the current one ends, and runs them in order', async () => {
  const log: string[] = [];
  const threads = loggedThreads(log);
  const pool = new ThreadedComputePool(threads.spawn, 1);
  try {
    const counts = await Promise.all([
      pool.compute(SIEVE_COUNT, { lo: 1, hi: 2e8 }),
      pool.compute(SIEVE_COUNT, { lo: 1, hi: 1e6 }),
      pool.compute(SIEVE_COUNT, { lo: 1, hi: 1e5 }),
    ]);
    expect(counts).toEqual([11_078_937, 78_498, 9592]);
    // The second unit is sent at once and waits inside the thread; the third when the first
    // ends, to wait behind the second in turn. One at a time, in order: a unit's start comes
    // in the same message as the outcome of the unit before it (and is heard first).
    expect(log.slice(0, 3)).toEqual(['send 0', 'send 1', 'start 0']);
    const at = (entry: string) => log.indexOf(entry);
    expect(at('send 2')).toBeGreaterThan(at('done 0'));
    expect(at('send 2')).toBeLessThan(at('done 1'));
    expect(log.filter((entry) => entry.startsWith('start'))).toEqual(['start 0', 'start 1', 'start 2']);
    expect(log.filter((entry) => entry.startsWith('done'))).toEqual(['done 0', 'done 1', 'done 2']);
    // The second unit started in the thread without a round trip: heard with the first's outcome.
    expect(at('start 1')).toBeLessThan(at('done 0'));
    // Whether the third reaches the thread before the second ends is up to the machine's load.
    expect(at('start 2')).toBeGreaterThan(at('done 0'));
    expect(threads.spawned()).toBe(1);
  } finally {
    await pool.close();
  }
});

test('aborting a unit that waits inside a busy thread skips it; the running unit and the thread carry on', async () => {
  const log: string[] = [];
  const threads = loggedThreads(log);
  const pool = new ThreadedComputePool(threads.spawn, 1);
  try {
    const waiting = new AbortController();
    // pi(1e9): long enough that the cancel, sent when it starts, reaches the thread before it ends.
    const running = pool.compute(SIEVE_COUNT, { lo: 1, hi: 1e9 }, undefined);
    const skipped = pool.compute(SIEVE_COUNT, { lo: 1, hi: 1e6 }, waiting.signal);
    await waitForLog(log, 'start 0');
    waiting.abort();
    const after = pool.compute(SIEVE_COUNT, { lo: 1, hi: 100 });
    await expect(skipped).rejects.toMatchObject({ name: 'AbortError' });
    expect(await running).toBe(50_847_534);
    expect(await after).toBe(25);
    expect(log).not.toContain('start 1');
    expect(log).toContain('skipped or failed 1');
    expect(threads.spawned()).toBe(1);
  } finally {
    await pool.close();
  }
});

test('a thread that dies fails its running unit and hands the one waiting inside it to its replacement', async () => {
  const threads = spawnDyingFirst();
  const pool = new ThreadedComputePool(threads.spawn, 1);
  try {
    const first = pool.compute(SIEVE_COUNT, { lo: 1, hi: 100 });
    const second = pool.compute(SIEVE_COUNT, { lo: 1, hi: 1000 });
    await expect(first).rejects.toThrow('exited with 7');
    expect(await second).toBe(168);
    expect(threads.spawned()).toBe(2);
  } finally {
    await pool.close();
  }
});

async function waitForLog(log: string[], entry: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!log.includes(entry)) {
    if (Date.now() > deadline) throw new Error(`no "${entry}" in ${JSON.stringify(log)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
