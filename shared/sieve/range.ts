/** Argument checks at the kernel's JS edge: the Wasm side trusts its inputs. */

/** The largest value the kernel takes: 2^64 - 1. */
export const U64_MAX = (1n << 64n) - 1n;

export function checkSafeRange(lo: number, hi: number): void {
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || hi < lo) {
    throw new RangeError(`countPrimes needs integers 0 <= lo <= hi <= 2^53-1, got [${lo}, ${hi}]`);
  }
}

export function checkU64Range(lo: bigint, hi: bigint): void {
  if (typeof lo !== 'bigint' || typeof hi !== 'bigint' || lo < 0n || hi < lo || hi > U64_MAX) {
    throw new RangeError(`the sieve needs integers 0 <= lo <= hi <= 2^64-1, got [${lo}, ${hi}]`);
  }
}
