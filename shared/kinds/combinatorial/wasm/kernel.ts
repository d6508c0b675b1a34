// @ts-nocheck -- AssemblyScript source, compiled to Wasm by scripts/build-wasm.ts (asc), not by tsc.
//
// The combinatorial pi(x) kernel: Deleglise-Rivat in the formulation of T. Oliveira e Silva
// ("Computing pi(x): the combinatorial method", 2006), with primecount's counter array for the
// hard special leaves and its clustered easy leaves.
//
//   pi(x) = S1 + S2_trivial + S2_easy + S2_hard + pi(y) - 1 - P2(x, y)
//
// with x^(1/3) <= y <= x^(1/2), z = floor(x / y), c = the number of tiny primes whose phi is a
// table lookup. A leaf n = p_b * m (b > c, m square-free, lpf(m) > p_b) is
//   ordinary (S1)  when n <= y: mu(n) * phi(x / n, c);
//   special        when m <= y < n: -mu(m) * phi(x / n, b - 1), which is
//     hard     for p_b <= sqrt(y), or m = q prime with p_b q <= z (x / n >= y): a sieve of [1, z];
//     easy     for m = q prime, p_b > sqrt(y), z < p_b q, p_b <= x / (p_b q): pi(x / n) - b + 2;
//     trivial  for m = q prime, x / (p_b q) < p_b: 1.
// Each exported part computes a piece defined by integer bounds only, so a piece is the same
// number whoever computes it and however the kernel segments it internally.
//
// All arithmetic is u64/i64. Sums of products are exact modulo 2^64 even when an intermediate
// sum wraps; the combiner reduces the final answer modulo 2^64 for that reason.
// Memory is laid out by hand (runtime "stub"): tables for the current (x, y, c), cached while
// the next unit has the same parameters, then per-call scratch above them.

const PHI_TINY_PRIMES = memory.data<u32>([2, 3, 5, 7, 11, 13]);
/** Primes beyond y are needed by the clustered easy leaves (the prime after pi(n), n < y):
 * prime gaps below 2^32 are under 400. */
const TABLE_MARGIN: u64 = 1024;
const LOG_HARD_COUNTER_BITS: i32 = 9;
const COUNTER_WORDS_LOG: usize = LOG_HARD_COUNTER_BITS - 6;
/** The candidates m of the hard leaves have lpf(m) > p_c = 13: only numbers coprime to 30 are
 * visited, descending: from residue index j (of 1, 7, 11, 13, 17, 19, 23, 29) the next one down
 * is WHEEL_30_STEP[j] below; a number with residue r is WHEEL_30_ADJUST[r] above the first
 * candidate at or below it, whose residue index is WHEEL_30_INDEX[r]. */
const WHEEL_30_STEP = memory.data<u8>([2, 6, 4, 2, 4, 2, 4, 6]);
const WHEEL_30_INDEX = memory.data<u8>([7, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 7]);
const WHEEL_30_ADJUST = memory.data<u8>([1, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 0, 1, 0, 1, 2, 3, 0, 1, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 0]);
/** Wheel cycles per gathering pass: at most 8 candidates each. */
const CANDIDATE_CYCLES: u64 = 128;
const CANDIDATE_CHUNK: u64 = CANDIDATE_CYCLES * 8;
/** The odd numbers' bits repeat with period 3 * 5 * 7 * 11 * 13 under the tiny odd primes. */
const PRESIEVE_PERIOD: u64 = 15015;
const PRESIEVE_PRIMES: i32 = 6; // p_1 .. p_6 = 2 .. 13; 2 is implicit (odd numbers only)
let PRESIEVE: usize = 0; // bit i: 2i + 1 coprime to 3 * 5 * 7 * 11 * 13, for i < period + 256
const PRESIEVE_BYTES: usize = ((<usize>PRESIEVE_PERIOD + 256) >> 3) + 16;
/** The hard sieve removes the primes below 64 word by word with a mask (a multiple of p_b every
 * p bits of the odd numbers' array: at most four per word), not bit by bit: bit-by-bit
 * crossing of such a prime hits the same word, and the same counter, in consecutive
 * iterations, so each waits on the last one's store. Per prime p: p + 1 words, bit t of their
 * concatenation set when t is a multiple of p (the mask of any word is two of them shifted). */
const WORD_MASK_PRIME_LIMIT: u64 = 64;
const WORD_MASK_PRIMES = memory.data<u32>([17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61]);
const WORD_MASK_COUNT: i32 = 12;
const WORD_MASK_WORDS: usize = 472; // sum of p + 1 over the primes above
let WORD_MASKS: usize = 0; // the words of each prime in turn, in ascending order of p
let WORD_MASK_AT: usize = 0; // u32 per prime index b (0 .. 6 + WORD_MASK_COUNT): its first word

let X: u64 = 0;
let Y: u64 = 0;
let Z: u64 = 0;
let C: i32 = -1;
let TABLE_LIMIT: u64 = 0;
let PI_Y: i32 = 0;
let PI_SQRT_Y: i32 = 0;
let PI_SQRT_Z: i32 = 0;
let SQRT_X: u64 = 0;

let PI_TABLE: usize = 0; // per 64 odd numbers: u64 bits of primes, u64 count of odd primes below
let PRIMES: usize = 0; // u32, PRIMES[0] = 0, PRIMES[1] = 2, ...
let PRIME_COUNT: i32 = 0;
let PHI_TABLE: usize = 0; // u32 per residue modulo PHI_PRODUCT (room for 2 * 3 * .. * 13)
const PHI_TABLE_ENTRIES: usize = 30030;
let PHI_C: i32 = -1;
let PHI_PRODUCT: u64 = 1;
let PHI_TOTIENT: u64 = 1;
let FACTOR: usize = 0; // u32 per odd m <= y: (lpf << 1) | (mu == -1), 0 if not square-free
let TABLES_END: usize = 0;

// Outputs of the last call, read by the host through the exported getters and memory.
let OUT_A: i64 = 0;
let OUT_B: i64 = 0;
let OUT_C: i64 = 0;
let OUT_COUNTS: usize = 0;
let OUT_COUNTS_LENGTH: i32 = 0;
let OUT_MU: usize = 0;
let OUT_MU_LENGTH: i32 = 0;

function ensureMemory(end: usize): void {
  const have = (<usize>memory.size()) << 16;
  if (end > have && memory.grow(<i32>((end - have + 0xffff) >> 16)) < 0) unreachable();
}

function align64(at: usize): usize {
  return (at + 63) & ~(<usize>63);
}

function isqrt(x: u64): u64 {
  let r = <u64>Math.sqrt(<f64>x);
  if (r > 0xffffffff) r = 0xffffffff;
  while (r * r > x) r--;
  while (r + 1 <= x / (r + 1)) r++;
  return r;
}

@inline function prime(i: i32): u64 {
  return <u64>load<u32>(PRIMES + (<usize>i << 2));
}

/** pi(v) for v <= TABLE_LIMIT. */
@inline function piOf(v: u64): i32 {
  // The table holds odd numbers only (half the bytes: the easy leaves look it up at random);
  // bit i is 2i + 1, and the odd numbers <= v are those with i < (v + 1) / 2; 2 is added.
  const below = (v + 1) >> 1;
  const at = PI_TABLE + (<usize>(below >> 6) << 4);
  const bits = load<u64>(at) & ((<u64>1 << (below & 63)) - 1);
  return <i32>(load<u64>(at, 8) + popcnt<u64>(bits) + <u64>(v >= 2));
}

@inline function phiTiny(v: u64): i64 {
  return <i64>((v / PHI_PRODUCT) * PHI_TOTIENT + <u64>load<u32>(PHI_TABLE + (<usize>(v % PHI_PRODUCT) << 2)));
}

/** floor(a / b) for a < 2^53, 0 < b < 2^32, through the FPU (an i64 division costs several
 * times more). Exact: a / b = n + r / b with n = floor(a / b); if r > 0 it lies at least 1 / b
 * below n + 1, while half an ulp of a / b is below (a / b) * 2^-53 < 1 / b, so rounding never
 * reaches n + 1 (and never falls below the representable n). */
@inline function divSmall(a: u64, b: u64): u64 {
  // Signed conversions: one instruction each on x86-64, where the unsigned ones are sequences.
  return <u64><i64>(<f64><i64>a / <f64><i64>b);
}

const EXACT_F64: u64 = 1 << 53;

function min64(a: u64, b: u64): u64 {
  return a < b ? a : b;
}

function max64(a: u64, b: u64): u64 {
  return a > b ? a : b;
}

/** Primes and the pi table up to y + TABLE_MARGIN, the phi(v, c) table; kept while (x, y, c)
 * stay the same. The factor table is built on first use (only the hard leaves need it). */
export function setup(x: u64, y: u64, c: i32): void {
  if (x == X && y == Y && c == C) return;
  X = x;
  Y = y;
  C = c;
  Z = x / y;
  SQRT_X = isqrt(x);
  FACTOR = 0;
  TABLE_LIMIT = y + TABLE_MARGIN;
  // Odd numbers only: bit i of the table is 2i + 1, for 2i + 1 <= TABLE_LIMIT, plus one word
  // for piOf's index (v + 1) / 2 at the very end.
  const oddBits = <usize>((TABLE_LIMIT + 1) >> 1);
  const words = (oddBits >> 6) + 1;
  ensurePresieve();
  PHI_TABLE = align64(WORD_MASK_AT + ((<usize>PRESIEVE_PRIMES + <usize>WORD_MASK_COUNT + 1) << 2));
  ensureMemory(PHI_TABLE + (PHI_TABLE_ENTRIES << 2));
  ensurePhiTable(c);
  PI_TABLE = align64(PHI_TABLE + (PHI_TABLE_ENTRIES << 2));
  ensureMemory(PI_TABLE + (words << 4));
  // Sieve of Eratosthenes directly in the table's bit words.
  for (let w: usize = 0; w < words; w++) {
    store<u64>(PI_TABLE + (w << 4), 0xffffffffffffffff);
    store<u64>(PI_TABLE + (w << 4), 0, 8);
  }
  store<u64>(PI_TABLE, 0xfffffffffffffffe); // 1 is not prime
  for (let p: u64 = 3; p * p <= TABLE_LIMIT; p += 2) {
    const i = <usize>(p >> 1);
    if ((load<u64>(PI_TABLE + ((i >> 6) << 4)) >> <u64>(i & 63)) & 1) {
      for (let m = <usize>((p * p) >> 1); m < oddBits; m += <usize>p) {
        const at = PI_TABLE + ((m >> 6) << 4);
        store<u64>(at, load<u64>(at) & ~(<u64>1 << <u64>(m & 63)));
      }
    }
  }
  // Bits from oddBits on are beyond TABLE_LIMIT.
  for (let i = oddBits; i < (words << 6); i++) {
    const at = PI_TABLE + ((i >> 6) << 4);
    store<u64>(at, load<u64>(at) & ~(<u64>1 << <u64>(i & 63)));
  }
  let count: u64 = 0;
  for (let w: usize = 0; w < words; w++) {
    store<u64>(PI_TABLE + (w << 4), count, 8);
    count += popcnt<u64>(load<u64>(PI_TABLE + (w << 4)));
  }
  PRIME_COUNT = <i32>count + (TABLE_LIMIT >= 2 ? 1 : 0);
  PRIMES = align64(PI_TABLE + (words << 4));
  ensureMemory(PRIMES + ((<usize>PRIME_COUNT + 2) << 2));
  store<u32>(PRIMES, 0);
  store<u32>(PRIMES + 4, 2);
  let n: usize = 2;
  for (let w: usize = 0; w < words; w++) {
    let bits = load<u64>(PI_TABLE + (w << 4));
    while (bits != 0) {
      store<u32>(PRIMES + (n << 2), <u32>((((<u64>w << 6) + ctz<u64>(bits)) << 1) + 1));
      n++;
      bits &= bits - 1;
    }
  }
  PI_Y = piOf(y);
  PI_SQRT_Y = piOf(isqrt(y));
  PI_SQRT_Z = piOf(min64(isqrt(Z), y));

  TABLES_END = align64(PRIMES + ((<usize>PRIME_COUNT + 2) << 2));
}

/** phi(v, c) for v < P = p_1 * .. * p_c, in a fixed region below the tables: rebuilt only
 * when c changes (tiny x change y, not c, from one call to the next). */
function ensurePhiTable(c: i32): void {
  if (c == PHI_C) return;
  PHI_C = c;
  PHI_PRODUCT = 1;
  for (let i = 0; i < c; i++) PHI_PRODUCT *= <u64>load<u32>(PHI_TINY_PRIMES + (<usize>i << 2));
  let coprime: u32 = 0;
  for (let r: u64 = 0; r < PHI_PRODUCT; r++) {
    let isCoprime = r > 0;
    for (let i = 0; i < c && isCoprime; i++) {
      if (r % <u64>load<u32>(PHI_TINY_PRIMES + (<usize>i << 2)) == 0) isCoprime = false;
    }
    if (isCoprime) coprime++;
    store<u32>(PHI_TABLE + (<usize>r << 2), coprime);
  }
  // phi(P, c) = phi(P - 1, c) as P is not coprime to itself (c >= 1); for c = 0, P = 1.
  PHI_TOTIENT = c == 0 ? 1 : <u64>coprime;
}

function ensurePresieve(): void {
  if (PRESIEVE != 0) return;
  // Below the tables (which move with y): placed once, before the first tables are laid out.
  PRESIEVE = align64(__heap_base);
  const bits = <usize>PRESIEVE_PERIOD + 256;
  ensureMemory(PRESIEVE + PRESIEVE_BYTES);
  memory.fill(PRESIEVE, 0, PRESIEVE_BYTES);
  for (let i: usize = 0; i < bits; i++) {
    const n = 2 * <u64>(i % <usize>PRESIEVE_PERIOD) + 1;
    if (n % 3 != 0 && n % 5 != 0 && n % 7 != 0 && n % 11 != 0 && n % 13 != 0) {
      const at = PRESIEVE + (i >> 3);
      store<u8>(at, <u8>(<u32>load<u8>(at) | (<u32>1 << <u32>(i & 7))));
    }
  }
  WORD_MASKS = align64(PRESIEVE + PRESIEVE_BYTES);
  WORD_MASK_AT = align64(WORD_MASKS + (WORD_MASK_WORDS << 3));
  ensureMemory(WORD_MASK_AT + ((<usize>PRESIEVE_PRIMES + <usize>WORD_MASK_COUNT + 1) << 2));
  memory.fill(WORD_MASKS, 0, WORD_MASK_WORDS << 3);
  let first: usize = 0;
  for (let k = 0; k < WORD_MASK_COUNT; k++) {
    const p = <usize>load<u32>(WORD_MASK_PRIMES + (<usize>k << 2));
    const at = WORD_MASKS + (first << 3);
    store<u32>(WORD_MASK_AT + ((<usize>PRESIEVE_PRIMES + 1 + <usize>k) << 2), <u32>at);
    for (let t: usize = 0; t < (p + 1) << 6; t += p) {
      const w = at + ((t >> 6) << 3);
      store<u64>(w, load<u64>(w) | (<u64>1 << <u64>(t & 63)));
    }
    first += p + 1;
  }
}

/** Fills `words` words at `bitsAt` with the bits of the odd numbers base + 1, base + 3, ...
 * (base even) with the multiples of 3 .. 13 cleared. */
function presieve(bitsAt: usize, base: u64, words: usize): void {
  let offset = <usize>((base >> 1) % PRESIEVE_PERIOD);
  for (let w: usize = 0; w < words; w++) {
    const at = PRESIEVE + (offset >> 3);
    const shift = <u64>(offset & 7);
    let v = load<u64>(at) >> shift;
    if (shift != 0) v |= (<u64>load<u8>(at, 8)) << (64 - shift);
    store<u64>(bitsAt + (w << 3), v);
    offset += 64;
    if (offset >= <usize>PRESIEVE_PERIOD) offset -= <usize>PRESIEVE_PERIOD;
  }
}

function ensureFactorTable(): void {
  if (FACTOR != 0) return;
  FACTOR = TABLES_END;
  const entries = <usize>(Y >> 1) + 1;
  ensureMemory(FACTOR + (entries << 2));
  // 0xfffffffe: lpf unset (all ones), mu = +1 (parity bit clear).
  for (let i: usize = 0; i < entries; i++) store<u32>(FACTOR + (i << 2), 0xfffffffe);
  for (let i = 2; i <= PI_Y; i++) {
    const p = prime(i);
    for (let m = p; m <= Y; m += 2 * p) {
      const at = FACTOR + (<usize>(m >> 1) << 2);
      const f = load<u32>(at);
      if (f == 0) continue;
      const lpf: u32 = (f >> 1) == 0x7fffffff ? <u32>p : f >> 1;
      store<u32>(at, (lpf << 1) | ((f & 1) ^ 1));
    }
    if (p <= Y / p) {
      for (let m = p * p; m <= Y; m += 2 * p * p) store<u32>(FACTOR + (<usize>(m >> 1) << 2), 0);
    }
  }
  TABLES_END = align64(FACTOR + (entries << 2));
}

// ---------------------------------------------------------------- ordinary and trivial leaves

function ordinaryLeaves(xn: u64, n: u64, from: i32, mu: i64): i64 {
  let sum: i64 = 0;
  for (let j = from; j <= PI_Y; j++) {
    const p = prime(j);
    if (n * p > Y) break;
    const xq = xn / p;
    sum -= mu * phiTiny(xq);
    sum += ordinaryLeaves(xq, n * p, j + 1, -mu);
  }
  return sum;
}

/** S1 + S2_trivial + pi(y) - 1 into OUT_A, pi(y) into OUT_B. When y >= x (tiny x) the whole
 * of pi(x) is a table lookup: OUT_A = pi(x), and the plan has no other parts. */
export function ordinary(): void {
  OUT_B = PI_Y;
  if (Y >= X) {
    OUT_A = piOf(X);
    return;
  }
  let sum = phiTiny(X) + ordinaryLeaves(X, 1, C + 1, 1);
  const from = C > PI_SQRT_Z ? C : PI_SQRT_Z;
  for (let b = from + 1; b < PI_Y; b++) {
    const p = prime(b);
    const l = piOf(min64(max64(X / (p * p), p), Y));
    sum += <i64>(PI_Y - l);
  }
  OUT_A = sum + <i64>PI_Y - 1;
}

// ---------------------------------------------------------------- easy special leaves

/** The easy leaves p_b * q for the primes p_b in (pLo, pHi], into OUT_A. */
export function easy(pLo: u64, pHi: u64): void {
  let sum: i64 = 0;
  let b = piOf(min64(pLo, Y)) + 1;
  const first = (C > PI_SQRT_Y ? C : PI_SQRT_Y) + 1;
  if (b < first) b = first;
  for (; b < PI_Y; b++) {
    const p = prime(b);
    if (p > pHi) break;
    const x2 = X / p;
    const maxQ = min64(x2 / p, Y);
    if (maxQ <= p) break;
    sum += easyLeavesOf(b, p, x2, maxQ);
  }
  OUT_A = sum;
}

/** The easy leaves p * q of b (p = p_b, x2 = x / p, maxQ = min(x2 / p, y) > p). A function of
 * its own, called once per b, so that V8 optimizes it after the first calls (see hardPrime). */
function easyLeavesOf(b: i32, p: u64, x2: u64, maxQ: u64): i64 {
  let sum: i64 = 0;
  const minSparse = min64(max64(Z / p, p), Y);
  // Clustered from q = 2 sqrt(x2) on, where runs hold about four q (x2 / q^2 <= 1 / 4): a
  // run costs two divisions and three lookups, so shorter runs are cheaper leaf by leaf.
  const minClustered = max64(min64(max64(isqrt(x2 << 2), p), Y), minSparse);
  let l = piOf(maxQ);
  const piMinClustered = piOf(minClustered);
  const piMinSparse = piOf(minSparse);
  // Clustered: the q whose x2 / q have the same pi are consecutive; pi(x2 / q) = pi(n) for
  // x2 / q < the prime after n.
  const exact = x2 < EXACT_F64;
  while (l > piMinClustered) {
    const xn = exact ? divSmall(x2, prime(l)) : x2 / prime(l);
    const phiXn = piOf(xn) - b + 2;
    const xm = exact ? divSmall(x2, prime(b + phiXn - 1)) : x2 / prime(b + phiXn - 1);
    let l2 = piOf(xm);
    if (l2 < piMinSparse) l2 = piMinSparse;
    sum += <i64>phiXn * <i64>(l - l2);
    l = l2;
  }
  if (l > piMinSparse) sum += <i64>(l - piMinSparse) * <i64>(2 - b);
  if (exact) {
    const x2f = <f64><i64>x2;
    for (; l > piMinSparse; l--) sum += <i64>piOf(<u64><i64>(x2f / <f64>load<u32>(PRIMES + (<usize>l << 2))));
  } else {
    for (; l > piMinSparse; l--) sum += <i64>piOf(x2 / prime(l));
  }
  return sum;
}

// ---------------------------------------------------------------- hard special leaves

/** The last b whose leaves may lie at or above t: always those up to pi(sqrt(y)) (m may be
 * composite), and p_b <= sqrt(x / t) for the leaves p_b * q (q > p_b). Non-increasing in t. */
function lastHardB(t: u64): i32 {
  let b = PI_SQRT_Z;
  if (t > 0) {
    const bound = isqrt(X / t);
    if (bound < Y) {
      const byValue = piOf(bound);
      if (byValue < b) b = byValue;
    }
  }
  if (b < PI_SQRT_Y) b = PI_SQRT_Y;
  if (b > PI_SQRT_Z) b = PI_SQRT_Z;
  return b;
}

// The state of hard()'s current segment, shared with hardPrime().
let H_SIEVE: usize = 0;
let H_COUNTER: usize = 0;
let H_COUNTERS: usize = 0;
let H_NEXT: usize = 0;
let H_PHI: usize = 0;
let H_MU: usize = 0;
let H_CANDIDATES: usize = 0;
let H_PARTIAL: i64 = 0;
let H_TOTAL: i64 = 0;

/** Numbers per hard segment: at least 2^18 (a 16 KB bit array, in L1), which measured faster
 * than 2^16 and 2^19 at 1e15 (fewer per-b setups per segment against cache misses). */
function hardSegmentNumbers(): u64 {
  let s: u64 = 1 << 18;
  const want = isqrt(Z);
  while (s < want && s < (1 << 22)) s <<= 1;
  return s;
}

/**
 * The hard special leaves with x / n in [lo, hi) (lo, hi even), computed as if phi started at 0
 * at lo. OUT_A = the partial sum; OUT_COUNTS[i] = the unsieved numbers in [lo, hi) after
 * removing p_1 .. p_{c+i} (for b = c + 1 + i <= lastHardB(hi)); OUT_MU[i] = the sum of -mu(m)
 * over the leaves of b = c + 1 + i (trailing zeros trimmed). The combiner adds
 * sum_b (unsieved before lo, sieved by p_1 .. p_{b-1}) * OUT_MU[b].
 */
export function hard(lo: u64, hi: u64): void {
  ensureFactorTable();
  const segment = hardSegmentNumbers();
  const segmentBits = <usize>(segment >> 1);
  const words = segmentBits >> 6;
  const counterBits: usize = 1 << LOG_HARD_COUNTER_BITS;
  const counters = segmentBits >> LOG_HARD_COUNTER_BITS;
  const maxB = lastHardB(lo);
  const reportB = lastHardB(hi);
  const slots = <usize>(maxB > C ? maxB : C) + 1;

  const SIEVE = align64(TABLES_END);
  const COUNTER = align64(SIEVE + (words << 3));
  const NEXT = align64(COUNTER + (counters << 2));
  const PHI = align64(NEXT + (slots << 3));
  const MU = align64(PHI + (slots << 3));
  const CANDIDATES = align64(MU + (slots << 3));
  ensureMemory(CANDIDATES + (<usize>CANDIDATE_CHUNK << 3));
  H_SIEVE = SIEVE;
  H_COUNTER = COUNTER;
  H_COUNTERS = counters;
  H_NEXT = NEXT;
  H_PHI = PHI;
  H_MU = MU;
  H_CANDIDATES = CANDIDATES;
  memory.fill(PHI, 0, slots << 3);
  memory.fill(MU, 0, slots << 3);

  for (let b = 2; b <= maxB || b <= C; b++) {
    const p = prime(b);
    let m = ((lo + p - 1) / p) * p;
    if (m < p) m = p;
    if ((m & 1) == 0) m += p;
    store<u64>(NEXT + (<usize>b << 3), m);
  }

  H_PARTIAL = 0;
  for (let low = lo; low < hi && maxB > C; low += segment) {
    const high = min64(low + segment, hi);
    const bits = <usize>((high - low) >> 1);
    const lastB = lastHardB(low);
    if (C == PRESIEVE_PRIMES) presieve(SIEVE, low, words);
    else memory.fill(SIEVE, 0xff, words << 3);
    if ((bits & 63) != 0) {
      const at = SIEVE + ((bits >> 6) << 3);
      store<u64>(at, load<u64>(at) & ((<u64>1 << (bits & 63)) - 1));
    }
    if (bits < segmentBits) {
      const from = (bits + 63) >> 6;
      if (from < words) memory.fill(SIEVE + (from << 3), 0, (words - from) << 3);
    }
    // The tiny primes p_2 .. p_c (2 is implicit: only odd numbers are stored), unless the
    // pattern removed them; their next multiples are not needed then.
    for (let b = 2; b <= C && C != PRESIEVE_PRIMES; b++) {
      const p = <usize>prime(b);
      const nextAt = NEXT + (<usize>b << 3);
      let i = <usize>((load<u64>(nextAt) - low) >> 1);
      for (; i < bits; i += p) {
        const at = SIEVE + ((i >> 6) << 3);
        store<u64>(at, load<u64>(at) & ~(<u64>1 << (i & 63)));
      }
      store<u64>(nextAt, low + (<u64>i << 1) + 1);
    }
    let total: i64 = 0;
    for (let k: usize = 0; k < counters; k++) {
      let n: i64 = 0;
      const base = SIEVE + (k << (LOG_HARD_COUNTER_BITS - 3));
      for (let w: usize = 0; w < (counterBits >> 6); w++) n += <i64>popcnt<u64>(load<u64>(base + (w << 3)));
      store<u32>(COUNTER + (k << 2), <u32>n);
      total += n;
    }

    H_TOTAL = total;
    for (let b = C + 1; b <= lastB; b++) hardPrime(b, low, high, bits);
  }

  OUT_A = H_PARTIAL;
  OUT_COUNTS = PHI + ((<usize>C + 1) << 3);
  OUT_COUNTS_LENGTH = reportB > C ? reportB - C : 0;
  let muLength = maxB > C ? maxB - C : 0;
  while (muLength > 0 && load<i64>(MU + ((<usize>C + <usize>muLength) << 3)) == 0) muLength--;
  OUT_MU = MU + ((<usize>C + 1) << 3);
  OUT_MU_LENGTH = muLength;
}

/** The leaves of b in the current segment, then p_b removed from it (counters and the total
 * kept in step). A function of its own, called once per segment and b, so that V8 replaces
 * its baseline code by optimized code after the first calls: a call in progress never
 * switches, so a loop over all segments in one call would run baseline code throughout.
 * The segment's state is in the H_ globals. */
function hardPrime(b: i32, low: u64, high: u64, bits: usize): void {
  const SIEVE = H_SIEVE;
  const COUNTER = H_COUNTER;
  const counters = H_COUNTERS;
  const NEXT = H_NEXT;
  const PHI = H_PHI;
  const MU = H_MU;
  const CANDIDATES = H_CANDIDATES;
  let partial: i64 = 0;
  let total = H_TOTAL;
  const p = prime(b);
  const xp = X / p;
  const phiAt = PHI + (<usize>b << 3);
  const phiB = load<i64>(phiAt);
  let leafSigns: i64 = 0;
  // The leaves of one b come in ascending order of value: countedBefore = the unsieved bits
  // in the words below countedWord, advanced by whole counter blocks where it can (blockBase
  // = the unsieved bits below the block holding countedWord), else word by word.
  let countedWord: usize = 0;
  let countedBefore: i64 = 0;
  let blockBase: i64 = 0;
  const maxM = low == 0 ? Y : min64(xp / low, Y);
  if (b <= PI_SQRT_Y) {
    const minM = max64(xp / high, Y / p);
    // The wheel needs the tiny primes to be exactly 2 .. 13 (always so when there are hard
    // pieces: y >= 13); m >= 1 throughout as minM >= y / p >= 1.
    const residue = <usize>(maxM % 30);
    let m = maxM - <u64>load<u8>(WHEEL_30_ADJUST + residue);
    let j = <usize>load<u8>(WHEEL_30_INDEX + residue);
    while (m > minM) {
      // Gather the leaves among the next candidates without a branch per m (whether m is a
      // leaf is a coin toss to the branch predictor), then count them.
      const stop = m > minM + 30 * CANDIDATE_CYCLES ? m - 30 * CANDIDATE_CYCLES : minM;
      let found: usize = 0;
      for (; m > stop; ) {
        const f = load<u32>(FACTOR + (<usize>(m >> 1) << 2));
        const at = CANDIDATES + (found << 3);
        store<u32>(at, <u32>m);
        store<u32>(at, f, 4);
        found += select<usize>(1, 0, <u64>(f >> 1) > p);
        m -= <u64>load<u8>(WHEEL_30_STEP + j);
        j = (j - 1) & 7;
      }
      for (let e: usize = 0; e < found; e++) {
        const leafM = <u64>load<u32>(CANDIDATES + (e << 3));
        const f = load<u32>(CANDIDATES + (e << 3), 4);
        const v = xp < EXACT_F64 ? divSmall(xp, leafM) : xp / leafM;
        const nb = <usize>((v - low + 1) >> 1);
        const wEnd = nb >> 6;
        while ((countedWord >> COUNTER_WORDS_LOG) < (wEnd >> COUNTER_WORDS_LOG)) {
          blockBase += <i64>load<u32>(COUNTER + ((countedWord >> COUNTER_WORDS_LOG) << 2));
          countedWord = ((countedWord >> COUNTER_WORDS_LOG) + 1) << COUNTER_WORDS_LOG;
          countedBefore = blockBase;
        }
        for (; countedWord < wEnd; countedWord++) countedBefore += <i64>popcnt<u64>(load<u64>(SIEVE + (countedWord << 3)));
        const count = countedBefore + <i64>popcnt<u64>(load<u64>(SIEVE + (wEnd << 3)) & ((<u64>1 << (nb & 63)) - 1));
        const sign: i64 = (f & 1) != 0 ? 1 : -1;
        partial += sign * count;
        leafSigns += sign;
      }
    }
  } else {
    let l = piOf(min64(maxM, Z / p));
    const minQ = max64(xp / high, p);
    for (; prime(l) > minQ; l--) {
      const v = xp < EXACT_F64 ? divSmall(xp, prime(l)) : xp / prime(l);
      const nb = <usize>((v - low + 1) >> 1);
      const wEnd = nb >> 6;
      while ((countedWord >> COUNTER_WORDS_LOG) < (wEnd >> COUNTER_WORDS_LOG)) {
        blockBase += <i64>load<u32>(COUNTER + ((countedWord >> COUNTER_WORDS_LOG) << 2));
        countedWord = ((countedWord >> COUNTER_WORDS_LOG) + 1) << COUNTER_WORDS_LOG;
        countedBefore = blockBase;
      }
      for (; countedWord < wEnd; countedWord++) countedBefore += <i64>popcnt<u64>(load<u64>(SIEVE + (countedWord << 3)));
      partial += countedBefore + <i64>popcnt<u64>(load<u64>(SIEVE + (wEnd << 3)) & ((<u64>1 << (nb & 63)) - 1));
      leafSigns++;
    }
  }
  partial += phiB * leafSigns;
  const muAt = MU + (<usize>b << 3);
  store<i64>(muAt, load<i64>(muAt) + leafSigns);
  store<i64>(phiAt, phiB + total);

  // Remove p_b, keeping the counters and the total in step.
  const step = <usize>p;
  const nextAt = NEXT + (<usize>b << 3);
  let i = <usize>((load<u64>(nextAt) - low) >> 1);
  if (p < WORD_MASK_PRIME_LIMIT) {
    total -= removeByWordMasks(SIEVE, COUNTER, counters, b, step, i);
    if (i < bits) i += ((bits - i + step - 1) / step) * step;
  }
  for (; i < bits; i += step) {
    const at = SIEVE + ((i >> 6) << 3);
    const word = load<u64>(at);
    const hit = <u32>((word >> (i & 63)) & 1);
    store<u64>(at, word & ~(<u64>1 << (i & 63)));
    const counterAt = COUNTER + ((i >> LOG_HARD_COUNTER_BITS) << 2);
    store<u32>(counterAt, load<u32>(counterAt) - hit);
    total -= <i64>hit;
  }
  store<u64>(nextAt, low + (<u64>i << 1) + 1);
  H_PARTIAL += partial;
  H_TOTAL = total;
}

/** Clears the bits first, first + p, ... of the hard sieve (p = p_b, one of the word-mask
 * primes, first < p) in every counter block, lowering each block's counter by the bits it
 * cleared; returns the bits cleared. */
function removeByWordMasks(sieveAt: usize, counterAt: usize, counters: usize, b: i32, p: usize, first: usize): i64 {
  const masks = <usize>load<u32>(WORD_MASK_AT + (<usize>b << 2));
  // Word w of the sieve holds bits 64w .. 64w + 63; bit i is a multiple when i + shift is a
  // multiple of p: the mask starts `shift` bits into word q = w mod p of the masks.
  const shift = <u64>((p - first % p) % p);
  const words: usize = 1 << (LOG_HARD_COUNTER_BITS - 6);
  let q: usize = 0;
  let removed: i64 = 0;
  for (let k: usize = 0; k < counters; k++) {
    let hits: i64 = 0;
    const base = sieveAt + (k << (LOG_HARD_COUNTER_BITS - 3));
    for (let w: usize = 0; w < words; w++) {
      const at = masks + (q << 3);
      // (next << 1) << (63 - shift): a shift by 64 is a shift by 0 in Wasm.
      const mask = (load<u64>(at) >> shift) | ((load<u64>(at, 8) << 1) << (63 - shift));
      const wordAt = base + (w << 3);
      const word = load<u64>(wordAt);
      hits += <i64>popcnt<u64>(word & mask);
      store<u64>(wordAt, word & ~mask);
      q++;
      if (q == p) q = 0;
    }
    const c = counterAt + (k << 2);
    store<u32>(c, load<u32>(c) - <u32>hits);
    removed += hits;
  }
  return removed;
}

// ---------------------------------------------------------------- P2

const P2_SEGMENT_BITS: usize = 1 << 18;

/** Clears the odd multiples of the table's odd primes p <= sqrt(high - 1) in the bit array of
 * the odd numbers base + 1, base + 3, ... below high (base even); leaves primes set. */
function sieveOdd(bitsAt: usize, base: u64, high: u64): usize {
  const bits = <usize>((high - base) >> 1);
  const words = (bits + 63) >> 6;
  // The pattern clears 3 .. 13 themselves: only sieve with it above them.
  const patterned = base > 13;
  if (patterned) presieve(bitsAt, base, words);
  else memory.fill(bitsAt, 0xff, words << 3);
  if ((bits & 63) != 0) {
    const at = bitsAt + ((words - 1) << 3);
    store<u64>(at, load<u64>(at) & ((<u64>1 << (bits & 63)) - 1));
  }
  if (base == 0) store<u64>(bitsAt, load<u64>(bitsAt) & ~(<u64>1)); // 1 is not prime
  for (let j = patterned ? PRESIEVE_PRIMES + 1 : 2; j <= PRIME_COUNT; j++) {
    const p = prime(j);
    if (p * p >= high) break;
    let m = max64(p * p, ((base + p) / p) * p);
    if ((m & 1) == 0) m += p;
    const step = <usize>p;
    for (let i = <usize>((m - base) >> 1); i < bits; i += step) {
      const at = bitsAt + ((i >> 6) << 3);
      store<u64>(at, load<u64>(at) & ~(<u64>1 << (i & 63)));
    }
  }
  return bits;
}

/**
 * The part of P2 over [lo, hi), a piece of [y + 1, x / (y + 1)]: OUT_A = the primes in [lo, hi),
 * OUT_B = the primes p in (y, sqrt(x)] with x / p in [lo, hi), OUT_C = the sum over those p of
 * the primes in [lo, x / p]. The combiner adds pi(lo - 1) for each such p.
 */
export function p2(lo: u64, hi: u64): void {
  const NUMBERS = align64(TABLES_END);
  const PBITS = align64(NUMBERS + (P2_SEGMENT_BITS >> 3) + 64);
  ensureMemory(PBITS + (P2_SEGMENT_BITS >> 3) + 64);
  const segment = <u64>P2_SEGMENT_BITS << 1;
  let primesBefore: i64 = 0;
  let points: i64 = 0;
  let local: i64 = 0;
  for (let low = lo; low < hi; low += segment) {
    const high = min64(low + segment, hi);
    const base = low & ~(<u64>1);
    const bits = sieveOdd(NUMBERS, base, high);
    if (base < 2 && high > 2) primesBefore++; // 2 (only when y = 1, never in a real plan)
    // The p with x / p in [low, high), descending so that x / p ascends.
    const pTop = min64(X / low, SQRT_X);
    const pBottom = max64(X / high, Y); // exclusive
    let countedWord: usize = 0;
    let counted: i64 = 0;
    let top = pTop;
    while (top > pBottom) {
      const chunkLow = max64(pBottom + 1, top >= segment ? top - segment + 1 : 1);
      const pBase = (chunkLow - 1) & ~(<u64>1);
      const pBits = sieveOdd(PBITS, pBase, top + 1);
      for (let w = <isize>((pBits + 63) >> 6) - 1; w >= 0; w--) {
        let word = load<u64>(PBITS + (<usize>w << 3));
        while (word != 0) {
          const bit = <usize>(63 - clz<u64>(word));
          word &= ~(<u64>1 << bit);
          const p = pBase + (<u64>((<usize>w << 6) + bit) << 1) + 1;
          if (p < chunkLow) continue;
          const v = X < EXACT_F64 ? divSmall(X, p) : X / p;
          const nb = <usize>((v - base + 1) >> 1);
          const wEnd = nb >> 6;
          while (countedWord < wEnd) {
            counted += <i64>popcnt<u64>(load<u64>(NUMBERS + (countedWord << 3)));
            countedWord++;
          }
          let count = counted;
          if ((nb & 63) != 0) count += <i64>popcnt<u64>(load<u64>(NUMBERS + (wEnd << 3)) & ((<u64>1 << (nb & 63)) - 1));
          local += primesBefore + count;
          points++;
        }
      }
      top = chunkLow - 1;
    }
    let segmentPrimes: i64 = 0;
    const words = (bits + 63) >> 6;
    for (let w: usize = 0; w < words; w++) segmentPrimes += <i64>popcnt<u64>(load<u64>(NUMBERS + (w << 3)));
    primesBefore += segmentPrimes;
  }
  OUT_A = primesBefore;
  OUT_B = points;
  OUT_C = local;
}

// ---------------------------------------------------------------- outputs

export function outA(): i64 {
  return OUT_A;
}
export function outB(): i64 {
  return OUT_B;
}
export function outC(): i64 {
  return OUT_C;
}
export function outCounts(): usize {
  return OUT_COUNTS;
}
export function outCountsLength(): i32 {
  return OUT_COUNTS_LENGTH;
}
export function outMu(): usize {
  return OUT_MU;
}
export function outMuLength(): i32 {
  return OUT_MU_LENGTH;
}
