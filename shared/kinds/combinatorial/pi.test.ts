import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { piCombinatorial } from './pi.js';
import { countPrimesBetween } from './test-support/plain-sieve.js';
import { loadCombinatorialKernel, type CombinatorialKernel } from './wasm-kernel.js';

/** pi(10^k), k = 1..15 (OEIS A006880). */
const PI_POWERS_OF_TEN = [
  4n, 25n, 168n, 1229n, 9592n, 78498n, 664579n, 5761455n, 50847534n, 455052511n, 4118054813n,
  37607912018n, 346065536839n, 3204941750802n, 29844570422669n,
];
const PI_POWERS_OF_TWO: [bigint, bigint][] = [
  [2n ** 32n, 203280221n],
  [2n ** 40n, 41203088796n],
  [2n ** 50n, 33483379603407n],
];

/** A deterministic generator, so a failing x can be reproduced from the test's output. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function hasPrimecount(): boolean {
  return spawnSync('primecount', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Here each known value is computed as one unit per part, in one thread: the cut the
 * coordinator's verifier thread uses for sieve totals (coordinator/verify/pi-thread.ts). Every
 * known value also runs through the system in test/combinatorial.test.ts, cut into many units
 * computed by worker processes with this kernel; that is the kernel's only run at 10^16 and
 * 2^53 - 1 (about 20 s of a thread each), which are not repeated here.
 */
const TIMEOUT_MS = 300_000;

let kernel: CombinatorialKernel;
beforeAll(async () => {
  kernel = await loadCombinatorialKernel();
});

describe('pi(x) by the combinatorial kernel', () => {
  const vectors = [...PI_POWERS_OF_TEN.map((pi, k) => [10n ** BigInt(k + 1), pi] as const), ...PI_POWERS_OF_TWO];
  // pi(1e15) and pi(2^50) take seconds of CPU, but over 60 s of wall time on a machine loaded
  // twentyfold: the timeout only catches a hang.
  it.each(vectors)('pi(%s) = %s', { timeout: TIMEOUT_MS }, (x, pi) => {
    expect(piCombinatorial(kernel, x)).toBe(pi);
  });

  it('agrees with a plain sieve for every x up to 2000 and random x up to 1e8', { timeout: 120_000 }, () => {
    for (let x = 1; x <= 2000; x++) expect(piCombinatorial(kernel, BigInt(x))).toBe(BigInt(countPrimesBetween(0, x)));
    const random = lcg(9);
    for (let i = 0; i < 12; i++) {
      const x = Math.floor(10 ** (3 + 5 * random()));
      expect({ x, pi: piCombinatorial(kernel, BigInt(x), { units: 1 + Math.floor(random() * 20) }) }).toEqual({
        x,
        pi: BigInt(countPrimesBetween(0, x)),
      });
    }
  });

  it('agrees with a plain sieve for random x near 1e9, 1e10 and 1e11 (from the known pi(10^k))', () => {
    const random = lcg(11);
    for (const k of [9, 10, 11]) {
      const base = 10 ** k;
      const offset = Math.floor((random() - 0.5) * 2e7);
      const x = base + offset;
      const known = PI_POWERS_OF_TEN[k - 1]!;
      const expected = offset >= 0 ? known + BigInt(countPrimesBetween(base + 1, x)) : known - BigInt(countPrimesBetween(x + 1, base));
      expect({ x, pi: piCombinatorial(kernel, BigInt(x), { units: 7 }) }).toEqual({ x, pi: expected });
    }
  });

  it.skipIf(!hasPrimecount())('agrees with primecount for random x up to 1e15', { timeout: 180_000 }, () => {
    const random = lcg(13);
    const xs = [Math.floor(10 ** (11 + 2 * random())), Math.floor(10 ** (13 + random())), Math.floor(10 ** (14 + random()))];
    for (const x of xs) {
      const run = spawnSync('primecount', [String(x), '-t1'], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      expect({ x, pi: piCombinatorial(kernel, BigInt(x), { units: 13 }) }).toEqual({ x, pi: BigInt(run.stdout.trim()) });
    }
  });
});
