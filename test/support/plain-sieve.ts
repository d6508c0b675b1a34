/**
 * The tests' independent reference for the sieve kernel and the kinds: a plain odd-only sieve
 * (no wheel, no segments, no buckets) below 2^53, and Miller-Rabin on BigInt above, plus the
 * per-range facts (count, first, last, twin pairs, largest gap) computed from the prime list
 * in the most direct way.
 */

/** mulberry32: small, fast, good enough to spread test ranges. */
export function makeRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A seed from the environment variable `name` (to replay a failure) or a fresh one, printed. */
export function testSeed(name: string): number {
  const seed = Number(process.env[name] ?? Math.floor(Math.random() * 2 ** 32));
  console.log(`${name}=${seed}`);
  return seed;
}

/** floor(sqrt(x)) exact for every safe integer x. */
export function isqrt(x: number): number {
  let r = Math.floor(Math.sqrt(x));
  while (r * r > x) r--;
  while ((r + 1) * (r + 1) <= x) r++;
  return r;
}

let oddPrimes: number[] = [];
let oddPrimesLimit = 1;

/** The odd primes up to limit, by a plain sieve (cached; grown when asked for more). */
function oddPrimesUpTo(limit: number): number[] {
  if (limit > oddPrimesLimit) {
    const composite = new Uint8Array(limit + 1);
    const primes: number[] = [];
    for (let i = 3; i <= limit; i += 2) {
      if (composite[i] === 0) {
        primes.push(i);
        for (let j = i * i; j <= limit; j += 2 * i) composite[j] = 1;
      }
    }
    oddPrimes = primes;
    oddPrimesLimit = limit;
  }
  return oddPrimes;
}

/** The primes in [lo, hi] for 0 <= lo <= hi <= 2^53 - 1 (hi - lo up to a few 10^7). */
function primesBySieve(lo: number, hi: number): number[] {
  const primes: number[] = lo <= 2 && hi >= 2 ? [2] : [];
  const first = Math.max(3, lo % 2 === 0 ? lo + 1 : lo);
  if (first > hi) return primes;
  const root = isqrt(hi);
  const composite = new Uint8Array(Math.floor((hi - first) / 2) + 1);
  for (const p of oddPrimesUpTo(root)) {
    if (p > root) break;
    // First odd multiple of p that is >= max(p*p, first); first is odd.
    let start = p * p;
    if (start < first) {
      const rem = first % p;
      start = rem === 0 ? first : first + (p - rem);
      if (start % 2 === 0) start += p;
    }
    for (let i = (start - first) / 2; i < composite.length; i += p) composite[i] = 1;
  }
  for (let i = 0; i < composite.length; i++) if (composite[i] === 0) primes.push(first + 2 * i);
  return primes;
}

function powMod(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/** Bases that make Miller-Rabin exact below 2^64 (Sinclair's set). */
const MILLER_RABIN_BASES = [2n, 325n, 9375n, 28178n, 450775n, 9780504n, 1795265022n];
const SMALL_PRIMES = primesBySieve(0, 1000).map(BigInt);

/** Exact primality for 0 <= n < 2^64: trial division by primes < 1000, then Miller-Rabin. */
export function isPrime(n: bigint): boolean {
  if (n < 2n) return false;
  for (const p of SMALL_PRIMES) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  for (const base of MILLER_RABIN_BASES) {
    const a = base % n;
    if (a === 0n) continue;
    let x = powMod(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let witness = true;
    for (let r = 1; r < s && witness; r++) {
      x = (x * x) % n;
      if (x === n - 1n) witness = false;
    }
    if (witness) return false;
  }
  return true;
}

/** The primes in [lo, hi]: by the plain sieve below 2^53, by Miller-Rabin above (keep such
 * windows to a few 10^4 numbers). */
export function primesIn(lo: bigint, hi: bigint): bigint[] {
  if (hi <= BigInt(Number.MAX_SAFE_INTEGER)) return primesBySieve(Number(lo), Number(hi)).map(BigInt);
  const primes: bigint[] = [];
  for (let n = lo; n <= hi; n++) if (isPrime(n)) primes.push(n);
  return primes;
}

export interface PlainSummary {
  count: bigint;
  first: bigint | null;
  last: bigint | null;
  twins: bigint;
  maxGap: bigint | null;
  gapStart: bigint | null;
}

/** The facts about a range from its primes in increasing order, computed directly. */
export function summarizePrimes(primes: readonly bigint[]): PlainSummary {
  let twins = 0n;
  let maxGap: bigint | null = null;
  let gapStart: bigint | null = null;
  for (let i = 1; i < primes.length; i++) {
    const p = primes[i - 1]!;
    const q = primes[i]!;
    if (q - p === 2n) twins++;
    if (maxGap === null || q - p > maxGap) {
      maxGap = q - p;
      gapStart = p;
    }
  }
  return {
    count: BigInt(primes.length),
    first: primes[0] ?? null,
    last: primes.at(-1) ?? null,
    twins,
    maxGap,
    gapStart,
  };
}

export function plainSummary(lo: bigint, hi: bigint): PlainSummary {
  return summarizePrimes(primesIn(lo, hi));
}
