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

test('a thread that dies fails its unit and is replaced', async () => {
  let spawned = 0;
  // The first thread exits as soon as it is asked anything; the rest are real sieve threads.
  const spawnDyingFirst: SpawnThread = (onDeath) => {
    spawned++;
    if (spawned > 1) return spawnSieveThread(onDeath);
    const worker = new Worker("require('node:worker_threads').parentPort.on('message', () => process.exit(7))", { eval: true });
    worker.on('exit', (code) => onDeath(new Error(`exited with ${code}`)));
    return {
      compute: () => {
        worker.postMessage('go');
        return new Promise<JsonValue>(() => {});
      },
      terminate: () => void worker.terminate(),
    };
  };
  const pool = new ThreadedComputePool(spawnDyingFirst, 1);
  try {
    await expect(pool.compute(SIEVE_COUNT, { lo: 1, hi: 100 })).rejects.toThrow('exited with 7');
    expect(await pool.compute(SIEVE_COUNT, { lo: 1, hi: 100 })).toBe(25);
    expect(spawned).toBe(2);
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
