/**
 * The tests' independent reference: a plain segmented sieve of Eratosthenes (a byte per
 * number, no wheel, no tricks), sharing nothing with the kernels it checks.
 */

function smallPrimes(limit: number): number[] {
  const composite = new Uint8Array(limit + 1);
  const primes: number[] = [];
  for (let n = 2; n <= limit; n++) {
    if (composite[n]) continue;
    primes.push(n);
    for (let m = n * n; m <= limit; m += n) composite[m] = 1;
  }
  return primes;
}

/** The primes in [lo, hi] (hi < 2^53, hi - lo small enough to sieve here). */
export function countPrimesBetween(lo: number, hi: number): number {
  if (hi < 2 || hi < lo) return 0;
  const from = Math.max(lo, 2);
  const primes = smallPrimes(Math.floor(Math.sqrt(hi)) + 1);
  const segment = Math.min(1 << 20, hi - from + 1);
  const marks = new Uint8Array(segment);
  let count = 0;
  for (let low = from; low <= hi; low += segment) {
    const high = Math.min(low + segment - 1, hi);
    marks.fill(0);
    for (const p of primes) {
      if (p * p > high) break;
      for (let m = Math.max(p * p, Math.ceil(low / p) * p); m <= high; m += p) marks[m - low] = 1;
    }
    for (let n = low; n <= high; n++) if (marks[n - low] === 0) count++;
  }
  return count;
}
