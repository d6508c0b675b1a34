import { expect, test } from 'vitest';
import { Worker } from 'node:worker_threads';
import { LoadShedder } from './load-shedder.js';

const WINDOW_MS = 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps this thread's loop busy (and its CPU) for `ms`: a coordinator that has fallen behind. */
function blockLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** The largest lag the shedder reported while `stall` held the loop once per half window, for three windows. */
async function mostLagWhile(shedder: LoadShedder, stall: () => void): Promise<number> {
  let mostLag = 0;
  for (let window = 0; window < 6; window++) {
    stall();
    await sleep(WINDOW_MS / 2);
    mostLag = Math.max(mostLag, shedder.lag);
  }
  return mostLag;
}

test('leases beyond a cap are shed once the loop is blocked, spread by swarm size, and the cap rises again once it is not', async () => {
  // A delay 25 times the threshold is overload whatever this process's share of the CPU (the
  // machine running the test may be busy): 250 ms here.
  let inFlight = 1_000;
  const shedder = new LoadShedder({ thresholdMs: 10, windowMs: WINDOW_MS, random: () => 0.5, leasesInFlight: () => inFlight });
  try {
    expect(shedder.cap).toBe(Number.POSITIVE_INFINITY);
    expect(shedder.retryAfterMs(10_000, 16)).toBeUndefined();
    // A blocked loop, then the reading of the window that saw it (it holds for a window).
    blockLoop(2 * WINDOW_MS);
    for (let i = 0; i < 200 && shedder.lag <= 250; i++) await sleep(5);
    expect(shedder.lag).toBeGreaterThan(250);
    // The cap starts from the leases in flight, less a sixth.
    expect(shedder.cap).toBe(850);
    // A request that would take the leases in flight past it is shed. 10,000 volunteers come
    // back over 10 s (1,000 a second), the middle of the spread here.
    expect(shedder.retryAfterMs(10_000, 1)).toBe(10_000);
    // A few are told at least the minimum.
    expect(shedder.retryAfterMs(1, 1)).toBeGreaterThanOrEqual(250);
    expect(shedder.shed).toBe(2);
    // Once leases are back within the cap, requests that stay within it are served.
    inFlight = Math.floor(shedder.cap) - 50;
    expect(shedder.retryAfterMs(10_000, 50)).toBeUndefined();
    expect(shedder.retryAfterMs(10_000, 51)).toBe(10_000);
    // A loop with time to spare raises the cap by a quarter a window (not by steps of 100)
    // until the old load fits again.
    inFlight = 1_000;
    for (let i = 0; i < 50 && shedder.retryAfterMs(10_000, 1) !== undefined; i++) await sleep(WINDOW_MS);
    expect(shedder.retryAfterMs(10_000, 1)).toBeUndefined();
    expect(shedder.cap).toBeGreaterThanOrEqual(850 * 1.25);
  } finally {
    shedder.close();
  }
});

test('a loop late while the process uses little CPU (a busy machine, not a busy coordinator) sheds nothing', async () => {
  const shedder = new LoadShedder({ thresholdMs: 10, windowMs: WINDOW_MS, random: () => 0, leasesInFlight: () => 1_000 });
  const parked = new Int32Array(new SharedArrayBuffer(4));
  try {
    // The thread is held 100 ms at a time without using the CPU, as a machine that does not
    // schedule it would: late, above the threshold and under the severe delay.
    expect(await mostLagWhile(shedder, () => Atomics.wait(parked, 0, 0, 100))).toBeGreaterThan(10);
    expect(shedder.retryAfterMs(10_000, 16)).toBeUndefined();
    expect(shedder.cap).toBe(Number.POSITIVE_INFINITY);
    expect(shedder.shed).toBe(0);
  } finally {
    shedder.close();
  }
});

test('a loop late in bursts that waits for events between them (not behind) sheds nothing, even while its other threads use the CPU', async () => {
  const shedder = new LoadShedder({ thresholdMs: 10, windowMs: WINDOW_MS, random: () => 0, leasesInFlight: () => 1_000 });
  // Two other threads of this process keep cores busy, so the process's CPU share is high
  // even on a machine that gives each of them half a core; the loop is busy a tenth of the time.
  const spinners = [0, 1].map(() => new Worker('const until = Date.now() + 10_000; while (Date.now() < until);', { eval: true }));
  try {
    expect(await mostLagWhile(shedder, () => blockLoop(40))).toBeGreaterThan(10);
    expect(shedder.retryAfterMs(10_000, 16)).toBeUndefined();
    expect(shedder.cap).toBe(Number.POSITIVE_INFINITY);
    expect(shedder.shed).toBe(0);
  } finally {
    await Promise.all(spinners.map((spinner) => spinner.terminate()));
    shedder.close();
  }
});

test('while behind, a lease request handled more than the threshold into a turn of the loop is shed at once; the first of the turn is served', async () => {
  // No lease is in flight, so no cap can shed these requests: only lateness in the turn can.
  const shedder = new LoadShedder({ thresholdMs: 20, windowMs: WINDOW_MS, random: () => 0.99, leasesInFlight: () => 0 });
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  try {
    // Busy in slices of 3 ms with a turn between them: behind (the loop hardly waits and this
    // thread uses the CPU), yet late by less than the threshold.
    const deadline = performance.now() + 10_000;
    while (!shedder.behind && performance.now() < deadline) {
      blockLoop(3);
      await nextTurn();
    }
    expect(shedder.behind).toBe(true);
    expect(shedder.retryAfterMs(1_000, 1)).toBeUndefined();
    blockLoop(25);
    // 1,000 volunteers come back over 1 s (1,000 a second): 0.5 to 1.5 s.
    expect(shedder.retryAfterMs(1_000, 1)).toBeGreaterThanOrEqual(500);
    expect(shedder.shed).toBe(1);
    await nextTurn();
    expect(shedder.retryAfterMs(1_000, 1)).toBeUndefined();
  } finally {
    shedder.close();
  }
});
