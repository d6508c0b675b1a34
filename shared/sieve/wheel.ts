/**
 * The mod-30 wheel layout shared by the JS kernel and the tables the Wasm kernel is built from.
 *
 * Byte b of a sieve stands for the 8 numbers 30b + WHEEL[k], bit k for WHEEL[k]; a set bit means
 * "not crossed off yet". A sieving prime p = 30a + r (r one of the residues) crosses off p*m for
 * the multipliers m coprime to 30, m >= p. A multiplier position is (r, j) where m = 30k + WHEEL[j];
 * the tables are indexed by rj = 8 * residueIndex(r) + j.
 */

export const WHEEL = [1, 7, 11, 13, 17, 19, 23, 29] as const;

/** WHEEL[j + 1] - WHEEL[j], with WHEEL[8] = 31: how far the multiplier moves per step. */
const MULTIPLIER_STEP = [6, 4, 2, 4, 2, 4, 6, 2] as const;

/** Bit index of residue x (mod 30) in a wheel byte, or -1 when x shares a factor with 30. */
export const BIT_OF_RESIDUE: readonly number[] = Array.from({ length: 30 }, (_, x) =>
  WHEEL.indexOf(x as (typeof WHEEL)[number]),
);

/** Distance from x (mod 30) up to the next residue coprime to 30 (0 when x is one). */
export const GAP_TO_COPRIME: readonly number[] = Array.from({ length: 30 }, (_, x) => {
  let gap = 0;
  while (BIT_OF_RESIDUE[(x + gap) % 30] === -1) gap++;
  return gap;
});

function tableOf(f: (r: number, j: number) => number): Int32Array {
  const table = new Int32Array(64);
  for (let ri = 0; ri < 8; ri++) {
    for (let j = 0; j < 8; j++) table[8 * ri + j] = f(WHEEL[ri]!, j);
  }
  return table;
}

/** AND mask clearing the bit of p*m for position rj (the residue of p*m is r*WHEEL[j] mod 30). */
export const CLEAR_MASK = tableOf((r, j) => 0xff & ~(1 << BIT_OF_RESIDUE[(r * WHEEL[j]!) % 30]!));

/** Multiplier step at position rj (depends on j only; tabled by rj to save a mask in hot loops). */
export const STEP = tableOf((_r, j) => MULTIPLIER_STEP[j]!);

/**
 * Byte distance from p*m to p*(m + STEP) is a * STEP + CARRY: the part of the distance that
 * comes from r rather than from a, i.e. floor(((r*WHEEL[j]) mod 30 + r*STEP) / 30).
 */
export const CARRY = tableOf((r, j) => Math.floor((((r * WHEEL[j]!) % 30) + r * MULTIPLIER_STEP[j]!) / 30));

/**
 * Byte of p*(30k + WHEEL[j]) minus byte of p*(30k + 1) is a * (WHEEL[j] - 1) + UNROLL_CARRY:
 * the fixed offsets of the 8 multiples in one unrolled pass over a wheel cycle of p bytes.
 */
export const UNROLL_CARRY = tableOf((r, j) => Math.floor((r * WHEEL[j]!) / 30));

/** The primes crossed off by copying a repeating pattern instead of sieving. */
export const PRESIEVE_PRIMES = [7, 11, 13, 17, 19] as const;

/** Period of the pre-sieve pattern in wheel bytes: 7 * 11 * 13 * 17 * 19. */
export const PRESIEVE_PERIOD = 323_323;

/** The primes the sieve bitmap cannot represent or crosses off as multiples: added back by count. */
export const PRIMES_BELOW_23 = [2, 3, 5, 7, 11, 13, 17, 19] as const;

/**
 * One period of wheel bytes with the multiples of PRESIEVE_PRIMES (the primes themselves
 * included) cleared, followed by `tail` more bytes so any window of `tail` bytes starting
 * inside the period is one contiguous copy.
 */
export function buildPresievePattern(tail: number): Uint8Array {
  const pattern = new Uint8Array(PRESIEVE_PERIOD + tail).fill(0xff);
  for (const p of PRESIEVE_PRIMES) {
    // Numbers n = 30b + WHEEL[k] with n = 0 (mod p): b = (p - WHEEL[k]) * 30^-1 (mod p).
    for (let k = 0; k < 8; k++) {
      let b = 0;
      while ((30 * b + WHEEL[k]!) % p !== 0) b++;
      const mask = 0xff & ~(1 << k);
      for (let i = b; i < pattern.length; i += p) pattern[i]! &= mask;
    }
  }
  return pattern;
}

/** floor(sqrt(x)) exact for every safe integer x. */
export function isqrt(x: number): number {
  let r = Math.floor(Math.sqrt(x));
  while (r * r > x) r--;
  while ((r + 1) * (r + 1) <= x) r++;
  return r;
}

/** Exact floor(x / d) for safe integers x >= 0 and d > 0 (float division may round up). */
export function floorDiv(x: number, d: number): number {
  return (x - (x % d)) / d;
}
