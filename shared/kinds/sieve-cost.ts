/**
 * What sieving costs, by position: the seconds the reference thread (our Wasm sieve on one
 * core of the 2-core machine the project is measured on) takes for a range of numbers. A
 * segmented sieve does more work per number as the range climbs (more sieving primes, more of
 * them past the segment: the bucket stage), so a fixed count of numbers is no fixed time.
 *
 * The model is the kernel's measured nanoseconds per number at each power of ten (from
 * `npm run bench:throughput`, which prints the measurement beside this model), interpolated
 * linearly in log10 of the position; flat below 1e6 (per-call overhead dominates there) and
 * past the last point; plus a cost per kernel call that grows with the sieving primes below
 * sqrt(hi) (each call finds every sieving prime's first multiple; ~0.5 s per call near 1e18).
 * It is a model of *relative* cost: a volunteer's measured speed
 * (coordinator/leases/lease-limits.ts) scales it to that volunteer's threads.
 */

/** Reference nanoseconds per number at 10^(index + FIRST_DECADE). */
const NS_PER_NUMBER = [0.06, 0.074, 0.097, 0.15, 0.172, 0.21, 0.27, 0.3, 0.4, 0.45, 0.68, 0.97, 1.15, 2.4];
const FIRST_DECADE = 6;

/** Reference seconds per number at position x (x >= 1). */
export function sieveSecondsPerNumber(x: number): number {
  const position = Math.log10(Math.max(1, x)) - FIRST_DECADE;
  if (position <= 0) return NS_PER_NUMBER[0]! * 1e-9;
  const last = NS_PER_NUMBER.length - 1;
  if (position >= last) return NS_PER_NUMBER[last]! * 1e-9;
  const below = Math.floor(position);
  const fraction = position - below;
  return (NS_PER_NUMBER[below]! + fraction * (NS_PER_NUMBER[below + 1]! - NS_PER_NUMBER[below]!)) * 1e-9;
}

/**
 * Reference seconds to sieve [lo, hi] (inclusive; any non-negative numbers, exactness not
 * needed): Simpson's rule on each decade the range crosses, where the cost per number is smooth.
 */
export function sieveSeconds(lo: number, hi: number): number {
  if (hi < lo) return 0;
  let total = 0;
  let from = Math.max(1, lo);
  while (from <= hi) {
    const decadeEnd = 10 ** (Math.floor(Math.log10(from)) + 1);
    const to = Math.min(hi, Math.max(from, decadeEnd - 1));
    const middle = (from + to) / 2;
    total += ((to - from + 1) / 6) * (sieveSecondsPerNumber(from) + 4 * sieveSecondsPerNumber(middle) + sieveSecondsPerNumber(to));
    if (to >= hi) break;
    // Past 2^53, to + 1 may round back to `to`: step to the next decade instead.
    from = Math.max(to + 1, decadeEnd);
  }
  return total;
}

/** Reference seconds one kernel call over a range ending at `hi` costs besides its numbers (flat below 1e6). */
export function sieveCallSeconds(hi: number): number {
  const root = Math.sqrt(Math.max(1e6, hi));
  return 0.7e-3 + 9e-9 * (root / Math.log(root));
}

/** Reference seconds of one kernel call over [lo, hi]: its numbers and the call itself. */
export function sieveUnitSeconds(lo: number, hi: number): number {
  return sieveSeconds(lo, hi) + sieveCallSeconds(hi);
}

/**
 * Sub-ranges a thread may cut a unit into to report progress, keeping the added calls under
 * about 2% of the unit's time: 1 (no progress) for a unit under 0.25 s, at most 16.
 */
export function sieveProgressSlices(lo: number, hi: number): number {
  const seconds = sieveSeconds(lo, hi);
  if (seconds < 0.25) return 1;
  return Math.max(1, Math.min(16, Math.floor((0.02 * seconds) / sieveCallSeconds(hi))));
}

/** A unit's numbers cost at least this many times its call's fixed cost, so the call never dominates it. */
const MIN_NUMBERS_PER_CALL_COST = 4;

/**
 * How many numbers from `lo` the reference thread sieves in one call of `seconds` (at least 1,
 * and at most `limit`): Newton steps on sieveSeconds, which is increasing and nearly linear.
 * Where a call's fixed cost eats the budget (near 2^64 a call pays for every sieving prime
 * below 2^32), the unit is made long enough that its numbers cost several calls instead:
 * cutting it shorter would multiply the fixed cost, not shorten the work.
 */
export function sieveNumbersForSeconds(lo: number, seconds: number, limit: number): number {
  const roughEnd = lo + Math.min(limit, seconds / sieveSecondsPerNumber(lo));
  const call = sieveCallSeconds(roughEnd);
  seconds = Math.max(seconds - call, MIN_NUMBERS_PER_CALL_COST * call);
  if (!(seconds > 0)) return 1;
  let count = Math.min(limit, seconds / sieveSecondsPerNumber(lo));
  for (let step = 0; step < 4; step++) {
    const error = seconds - sieveSeconds(lo, lo + count - 1);
    count = Math.min(limit, Math.max(1, count + error / sieveSecondsPerNumber(lo + count)));
  }
  return Math.max(1, Math.min(limit, Math.floor(count)));
}
