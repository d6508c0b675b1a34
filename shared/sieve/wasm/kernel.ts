// @ts-nocheck -- AssemblyScript source, compiled to Wasm by scripts/build-wasm.ts (asc), not by tsc.
//
// The sieve kernel: a segmented sieve of Eratosthenes for any range [lo, hi] with
// 0 <= lo <= hi <= 2^64 - 1. Layout: mod-30 wheel, byte b of a sieve stands for the 8 numbers
// 30b + WHEEL[k], bit k for WHEEL[k], a set bit means "not crossed off yet". A sieving prime
// p = 30a + r crosses off p*m for the multipliers m >= p coprime to 30; a multiplier position is
// (r, j) with m = 30k + WHEEL[j], tabled by rj = 8 * bitOf(r) + j.
//
// Wheel bytes are grouped into windows (WINDOW_BYTES, at absolute byte positions laid down from
// 2^64 - 1, so a window is the same whatever range asks for it) and segments (SEGMENT_BYTES,
// L2-sized, aligned to their window's start).
// Where sieving primes reach SPARSE_LIMIT, a window is prepared once: the pre-sieve pattern
// (7..19 crossed off) is copied over it and the hits of every prime >= SPARSE_LIMIT are filed in
// buckets by segment and crossed off bucket by bucket (no per-prime state outlives this: near
// 2^64 there are 203 million of them). The prepared window is kept between calls: a call that
// starts inside the part of the window prepared before (the next unit of a thread that got the
// units before it) reuses it instead of finding every big prime's first multiple again. Each
// segment of the range is then copied out of the window (or, below SPARSE_LIMIT, laid from the
// pattern) into a scratch segment and finished there: primes < SMALL_LIMIT cross off by L1
// chunks and primes < BIG_LIMIT by segment (both in crossOffDirect: single steps up to wheel
// position 0, whole wheel cycles 8 multiples per pass, single steps to the end, the 8 step
// lengths in locals); primes < SPARSE_LIMIT sit in one flat list visited every segment. These
// carry their next multiple from segment to segment. Then the segment is either counted (i64
// popcount), walked prime by prime (count, first, last, twin pairs, largest gap), or copied
// into the sieving-prime bitmap.
//
// Absolute values (range ends, segment starts, primes found) are u64; the hot loops work on
// segment-relative i32 byte offsets and u32 primes (every sieving prime is below 2^32).
// Memory is laid out by hand (runtime "stub", no allocations): fixed regions sized for the
// largest case (the window, its buckets and the scratch segment: 161 MB), then the
// sieving-prime bitmap (up to 143 MB for primes below 2^32). Nothing grows with the width of
// the range. Untouched pages of a Wasm memory are not resident, so the regions cost only what a
// run uses.

const LOG_SEGMENT_BYTES: i32 = 19;
const SEGMENT_BYTES: i32 = 1 << LOG_SEGMENT_BYTES;
const L1_CHUNK_BYTES: i32 = 1 << 15;
/** Primes below this have >= 8 wheel cycles (64 multiples) per L1 chunk: they sieve chunk by
 * chunk. Larger ones sieve the whole (L2-sized) segment per prime, as primesieve's EratMedium;
 * measured: 2048 ~ 4096 < 8192 < 16384 < 32768 on [1e12, 1e12+1e9]. */
const SMALL_LIMIT: u32 = 4096;
const BIG_LIMIT: u32 = <u32>SEGMENT_BYTES;
/** Primes in [BIG_LIMIT, SPARSE_LIMIT) have >= 1 multiple per segment on average
 * (8 * SEGMENT_BYTES / p): they live in one flat list, every entry visited every segment,
 * with no bucket bookkeeping (pushes cost more than the crossings at 1..8 hits per segment).
 * A multiple of 30, so the larger primes start on a whole byte of the bitmap. */
const SPARSE_FIRST_BYTE: u32 = (<u32>SEGMENT_BYTES * 8) / 30;
const SPARSE_LIMIT: u32 = 30 * SPARSE_FIRST_BYTE;
/** Room for the sparse primes: pi(2^22) = 295,947. */
const MAX_SPARSE: i32 = 300_000;
/** Room for the direct primes: pi(BIG_LIMIT) = 43,390 for BIG_LIMIT = 2^19. */
const MAX_DIRECT: i32 = 44_000;
/** isqrt(2^64 - 1): every sieving prime is at most this. */
const MAX_SIEVING_PRIME: u32 = 0xffff_ffff;
/** The sieving-prime bitmap up to this bound is sieved in place; above, by the segment loop. */
const BASE_PRIME_LIMIT: u32 = 1 << 17;
/** A window: the segments whose big-prime hits are filed before any of them is finished. Its
 * size trades memory (WINDOW_BYTES) against the per-window cost of finding every big prime's
 * first multiple again (203 million primes near 2^64, ~3 s of a thread): 64 MB (2e9 numbers)
 * measured ~15% faster than 32 MB over [2^64 - 4e9, 2^64 - 1], 128 MB ~15% faster than 64 MB
 * (loaded machine). At most 2^30 bytes: hit offsets are i32. */
const LOG_WINDOW_SEGMENTS: i32 = 8;
const WINDOW_SEGMENTS: i32 = 1 << LOG_WINDOW_SEGMENTS;
const LOG_WINDOW_BYTES: i32 = LOG_SEGMENT_BYTES + LOG_WINDOW_SEGMENTS;
const WINDOW_BYTES: i32 = 1 << LOG_WINDOW_BYTES;
/** Wheel bytes up to 2^64 - 1: byte (2^64 - 1) / 30 is the last one. */
const END_BYTE: u64 = 0xffff_ffff_ffff_ffff / 30 + 1;
/** Windows are laid down from the top: the last one ends at END_BYTE, each one below it
 * WINDOW_BYTES earlier, and the first one, [0, WINDOW_ORIGIN), is shorter (it has no big
 * primes). So a range ending at 2^64 - 1 visits as few windows as its width allows. */
const WINDOW_ORIGIN: u64 = END_BYTE & (<u64>WINDOW_BYTES - 1);
/** No window prepared (a value no window start takes). */
const NO_WINDOW: u64 = 0xffff_ffff_ffff_ffff;
/** One bucket per window segment, of hits (offset in the segment << 8 | clear mask), 32 MB in
 * all; buckets are BUCKET_BYTES-aligned, so a write pointer tells by its low bits when its
 * bucket is full. Larger buckets touch each cache line of a segment more often per flush (the
 * segment is not in cache by then); measured at 128 MB windows: 16 MB of buckets slowest,
 * 32 MB ~ 64 MB (noisy machine). */
const LOG_BUCKET_BYTES: i32 = 25 - LOG_WINDOW_SEGMENTS;
const BUCKET_BYTES: i32 = 1 << LOG_BUCKET_BYTES;
/** Big primes go through crossOffBig in batches of at most this many. */
const BATCH: i32 = 4096;
const PRESIEVE_PERIOD: i32 = 323_323;

/** What sieveRange does with each finished segment. */
const MODE_COUNT: i32 = 0;
const MODE_SUMMARY: i32 = 1;
const MODE_SIEVING_PRIMES: i32 = 2;

// Constant tables in static data (a StaticArray literal would allocate, and nothing here may:
// the regions below start at __heap_base, where an allocator would put its objects).
const WHEEL_RESIDUES = memory.data<i32>([1, 7, 11, 13, 17, 19, 23, 29]);
const WHEEL_RESIDUES_64 = memory.data<u64>([1, 7, 11, 13, 17, 19, 23, 29]);
const MULTIPLIER_STEPS = memory.data<i32>([6, 4, 2, 4, 2, 4, 6, 2]);
const PRESIEVE_PRIMES = memory.data<i32>([7, 11, 13, 17, 19]);
const PRIMES_BELOW_23 = memory.data<u64>([2, 3, 5, 7, 11, 13, 17, 19]);
/** The primes the wheel cannot represent, walked before the bitmap in MODE_SUMMARY. */
const PRIMES_BELOW_7 = memory.data<u64>([2, 3, 5]);

let HIT: usize = 0; // 64 x u32: clear mask | carry << 8 | multiplier step << 16, by rj
let WHEEL: usize = 0; // 8 x i32: WHEEL_RESIDUES
let BIT_OF: usize = 0; // 30 x i32: bit of a residue, -1 if not coprime to 30
let GAP: usize = 0; // 30 x i32: distance up to the next residue coprime to 30
/** 8 x 32 x u32, by (k, d mod 30) for a prime 30a + WHEEL[k] whose multiple p * m lies d past a
 * multiple of 30: the step g up to the next multiplier coprime to 30 | the carry
 * (d mod 30 + WHEEL[k] * g) / 30 << 8 | that multiplier's rj << 16. */
let FIRST_HIT: usize = 0;
let PATTERN: usize = 0;
/** The prepared window (pattern and big-prime hits), kept between calls. */
let WINDOW: usize = 0;
/** Where the window's part being prepared starts: the base of its buckets' segment offsets. */
let FILL_BASE: usize = 0;
/** The segment being finished: scratch, so the window stays as prepared. */
let SEG: usize = 0;
let DIRECT_PRIME: usize = 0;
let DIRECT_OFFSET: usize = 0;
let DIRECT_RJ: usize = 0;
let BUCKET_PTR: usize = 0; // WINDOW_SEGMENTS x u32: each bucket's next free entry
let BUCKETS: usize = 0;
let BATCH_PRIMES: usize = 0; // BATCH x u32: a << 3 | k for the prime 30a + WHEEL[k]
let BATCH_HITS: usize = 0; // BATCH x (a: u32, offset in the window: u32, rj: u32)
let SPARSE: usize = 0; // MAX_SPARSE x ((a << 6) | rj: u32, offset: i32)
let PRIME_BITS: usize = 0;

let primeBitsLimit: u32 = 0;
let primeBitsBytes: i32 = 0;
let directCount: i32 = 0;
let smallCount: i32 = 0;
let sparseCount: i32 = 0;
let cursorByte: i32 = 0;
let cursorBits: u32 = 0;
/** The current call's isqrt(hi), first byte and next sieving prime not yet activated. */
let callRoot: u32 = 0;
let callStartByte: u64 = 0;
let pendingPrime: u32 = 0;
/** crossOffBig's cursor in the bitmap: the next word and its bits not yet taken. */
let bigWord: i32 = 0;
let bigBits: u64 = 0;
/** The prepared part [windowFrom, windowTo) of the window starting at byte windowStart. */
let windowStart: u64 = NO_WINDOW;
let windowFrom: u64 = 0;
let windowTo: u64 = 0;

// The last range's results, read by the getters below.
let resultCount: u64 = 0;
let resultFirst: u64 = 0;
let resultLast: u64 = 0;
let resultTwins: u64 = 0;
let resultMaxGap: u64 = 0;
let resultGapStart: u64 = 0;

function ensureMemory(end: usize): void {
  const have = (<usize>memory.size()) << 16;
  if (end > have && memory.grow(<i32>((end - have + 0xffff) >> 16)) < 0) unreachable();
}

function wheelAt(j: i32): i32 {
  return load<i32>(WHEEL + (<usize>j << 2));
}

function bitOf(x: u32): i32 {
  return load<i32>(BIT_OF + (<usize>x << 2));
}

function setup(): void {
  let at: usize = (__heap_base + 63) & ~63;
  HIT = at;
  at += 256;
  BIT_OF = at;
  at += 120;
  GAP = at;
  at += 120;
  FIRST_HIT = at;
  at += 8 * 32 * 4;
  PATTERN = (at + 63) & ~63;
  at = PATTERN + PRESIEVE_PERIOD + SEGMENT_BYTES;
  WINDOW = (at + 63) & ~63;
  at = WINDOW + WINDOW_BYTES + 64;
  SEG = (at + 63) & ~63;
  at = SEG + SEGMENT_BYTES + 64;
  DIRECT_PRIME = at;
  at += MAX_DIRECT * 4;
  DIRECT_OFFSET = at;
  at += MAX_DIRECT * 4;
  DIRECT_RJ = at;
  at += MAX_DIRECT * 4;
  BUCKET_PTR = at;
  at += WINDOW_SEGMENTS * 4;
  BATCH_PRIMES = at;
  at += BATCH * 4;
  BATCH_HITS = at;
  at += BATCH * 12;
  SPARSE = (at + 63) & ~63;
  at = SPARSE + <usize>MAX_SPARSE * 8;
  BUCKETS = (at + <usize>BUCKET_BYTES - 1) & ~(<usize>BUCKET_BYTES - 1);
  at = BUCKETS + (<usize>WINDOW_SEGMENTS << LOG_BUCKET_BYTES);
  PRIME_BITS = (at + 63) & ~63;
  ensureMemory(PRIME_BITS);
  for (let s = 0; s < WINDOW_SEGMENTS; s++) {
    store<u32>(BUCKET_PTR + (<usize>s << 2), <u32>(BUCKETS + (<usize>s << LOG_BUCKET_BYTES)));
  }

  WHEEL = WHEEL_RESIDUES;
  for (let x = 0; x < 30; x++) store<i32>(BIT_OF + (<usize>x << 2), -1);
  for (let k = 0; k < 8; k++) store<i32>(BIT_OF + (<usize>wheelAt(k) << 2), k);
  for (let x = 0; x < 30; x++) {
    let gap = 0;
    while (bitOf(<u32>((x + gap) % 30)) < 0) gap++;
    store<i32>(GAP + (<usize>x << 2), gap);
  }
  for (let ri = 0; ri < 8; ri++) {
    const r = wheelAt(ri);
    for (let j = 0; j < 8; j++) {
      const rj = 8 * ri + j;
      const w = wheelAt(j);
      const step = load<i32>(MULTIPLIER_STEPS + (<usize>j << 2));
      const residue = (r * w) % 30;
      const mask = 0xff & ~(1 << bitOf(<u32>residue));
      const carry = (residue + r * step) / 30;
      store<u32>(HIT + (<usize>rj << 2), <u32>(mask | (carry << 8) | (step << 16)));
    }
    for (let dm = 0; dm < 30; dm++) {
      // r * m = dm (mod 30): m mod 30 by trying the 30 residues.
      let m = 0;
      while ((r * m) % 30 != dm) m++;
      const g = load<i32>(GAP + (<usize>m << 2));
      const carry = (dm + r * g) / 30;
      const rj = 8 * ri + bitOf(<u32>(m + g));
      store<u32>(FIRST_HIT + (<usize>((ri << 5) | dm) << 2), <u32>(g | (carry << 8) | (rj << 16)));
    }
  }

  const patternBytes = PRESIEVE_PERIOD + SEGMENT_BYTES;
  memory.fill(PATTERN, 0xff, patternBytes);
  for (let n = 0; n < 5; n++) {
    const p = load<i32>(PRESIEVE_PRIMES + (<usize>n << 2));
    for (let k = 0; k < 8; k++) {
      let b = 0;
      while ((30 * b + wheelAt(k)) % p != 0) b++;
      const mask = 0xff & ~(1 << k);
      for (let i = b; i < patternBytes; i += p) {
        store<u8>(PATTERN + i, load<u8>(PATTERN + i) & mask);
      }
    }
  }
}

setup();

/** floor(sqrt(x)) for every u64 x. */
function isqrt64(x: u64): u64 {
  let r = <u64>Math.floor(Math.sqrt(<f64>x));
  if (r > 0xffff_ffff) r = 0xffff_ffff; // sqrt(2^64 - 1) rounds up to 2^32 in f64
  while (r * r > x) r--;
  while (r < 0xffff_ffff && (r + 1) * (r + 1) <= x) r++;
  return r;
}

/** Sieves the bitmap up to BASE_PRIME_LIMIT in place (it holds the sieving primes < 363). */
function sieveBasePrimes(): void {
  const target = BASE_PRIME_LIMIT;
  const bytes = <i32>(target / 30) + 1;
  ensureMemory(PRIME_BITS + <usize>bytes + 64);
  memory.copy(PRIME_BITS, PATTERN, <usize>bytes);
  store<u8>(PRIME_BITS, load<u8>(PRIME_BITS) & 0xfe); // 1 is not prime
  for (let b = 0; 900 * b * b <= <i32>target; b++) {
    for (let bits = <u32>load<u8>(PRIME_BITS + b); bits != 0; bits &= bits - 1) {
      const k = <i32>ctz(bits);
      const p = <u32>(30 * b + wheelAt(k));
      if (p * p > target) break;
      const a = p / 30;
      let rj = 9 * k; // multiplier m = p: position (r = p mod 30, j = k)
      for (let i = <i32>((p * p) / 30); i < bytes; ) {
        const hit = load<u32>(HIT + (<usize>rj << 2));
        store<u8>(PRIME_BITS + i, load<u8>(PRIME_BITS + i) & hit);
        i += <i32>(a * (hit >>> 16) + ((hit >>> 8) & 0xff));
        rj = (rj & 56) | ((rj + 1) & 7);
      }
    }
  }
  // Bits above target in the last byte must not be taken as primes.
  for (let k = 0; k < 8; k++) {
    if (<u32>(30 * (bytes - 1) + wheelAt(k)) > target) {
      const keep: i32 = ~(1 << k);
      store<u8>(PRIME_BITS + bytes - 1, <i32>load<u8>(PRIME_BITS + bytes - 1) & keep);
    }
  }
  primeBitsLimit = target;
  primeBitsBytes = bytes;
}

/** Grows the prime bitmap to cover every prime <= limit: the bytes past the current end are
 * sieved by the segment loop itself (its sieving primes, up to 2^16, are in the base part). */
function ensureSievingPrimes(limit: u32): void {
  if (limit <= primeBitsLimit) return;
  if (primeBitsLimit < BASE_PRIME_LIMIT) sieveBasePrimes();
  if (limit <= primeBitsLimit) return;
  let target = max<u64>(<u64>limit, 2 * <u64>primeBitsLimit);
  if (target > <u64>MAX_SIEVING_PRIME) target = MAX_SIEVING_PRIME;
  const bytes = <i32>(target / 30) + 1;
  ensureMemory(PRIME_BITS + <usize>bytes + 64);
  // The old last byte was masked at the old limit: sieve it again.
  sieveRange(30 * <u64>(primeBitsBytes - 1), target, MODE_SIEVING_PRIMES);
  primeBitsLimit = <u32>target;
  primeBitsBytes = bytes;
}

/**
 * Crosses off, for direct primes [from, to), every multiple at a segment offset < limit and
 * saves each prime's next multiple. The 8 step lengths of the prime's wheel are computed once
 * into locals; single steps (a switch on the wheel position) lead up to position 0, whole wheel
 * cycles cross 8 multiples at fixed offsets per bound check, and a fall-through switch (the
 * shape of primesieve's EratMedium) crosses the last few. Measured -10% against both one step
 * per multiple and table-driven lead-in/tail steps.
 */
function crossOffDirect(from: i32, to: i32, limit: i32): void {
  for (let n = from; n < to; n++) {
    const slot = <usize>n << 2;
    const a = <i32>(<u32>load<i32>(DIRECT_PRIME + slot) / 30);
    let i = load<i32>(DIRECT_OFFSET + slot);
    const rj = load<i32>(DIRECT_RJ + slot);
    const hits = HIT + (<usize>(rj & 56) << 2);
    const h0 = load<u32>(hits, 0);
    const h1 = load<u32>(hits, 4);
    const h2 = load<u32>(hits, 8);
    const h3 = load<u32>(hits, 12);
    const h4 = load<u32>(hits, 16);
    const h5 = load<u32>(hits, 20);
    const h6 = load<u32>(hits, 24);
    const h7 = load<u32>(hits, 28);
    const d0 = a * <i32>(h0 >>> 16) + <i32>((h0 >>> 8) & 0xff);
    const d1 = a * <i32>(h1 >>> 16) + <i32>((h1 >>> 8) & 0xff);
    const d2 = a * <i32>(h2 >>> 16) + <i32>((h2 >>> 8) & 0xff);
    const d3 = a * <i32>(h3 >>> 16) + <i32>((h3 >>> 8) & 0xff);
    const d4 = a * <i32>(h4 >>> 16) + <i32>((h4 >>> 8) & 0xff);
    const d5 = a * <i32>(h5 >>> 16) + <i32>((h5 >>> 8) & 0xff);
    const d6 = a * <i32>(h6 >>> 16) + <i32>((h6 >>> 8) & 0xff);
    const d7 = a * <i32>(h7 >>> 16) + <i32>((h7 >>> 8) & 0xff);
    let j = rj & 7;
    // Lead-in: single steps up to wheel position 0.
    while (j != 0 && i < limit) {
      switch (j) {
        case 1: store<u8>(SEG + i, load<u8>(SEG + i) & h1); i += d1; break;
        case 2: store<u8>(SEG + i, load<u8>(SEG + i) & h2); i += d2; break;
        case 3: store<u8>(SEG + i, load<u8>(SEG + i) & h3); i += d3; break;
        case 4: store<u8>(SEG + i, load<u8>(SEG + i) & h4); i += d4; break;
        case 5: store<u8>(SEG + i, load<u8>(SEG + i) & h5); i += d5; break;
        case 6: store<u8>(SEG + i, load<u8>(SEG + i) & h6); i += d6; break;
        default: store<u8>(SEG + i, load<u8>(SEG + i) & h7); i += d7;
      }
      j = (j + 1) & 7;
    }
    if (j == 0) {
      // Whole wheel cycles: 8 multiples at fixed offsets, one bound check.
      const o1 = d0;
      const o2 = o1 + d1;
      const o3 = o2 + d2;
      const o4 = o3 + d3;
      const o5 = o4 + d4;
      const o6 = o5 + d5;
      const o7 = o6 + d6;
      const cycle = o7 + d7;
      const end = limit - o7;
      while (i < end) {
        const q = SEG + i;
        store<u8>(q, load<u8>(q) & h0);
        store<u8>(q + o1, load<u8>(q + o1) & h1);
        store<u8>(q + o2, load<u8>(q + o2) & h2);
        store<u8>(q + o3, load<u8>(q + o3) & h3);
        store<u8>(q + o4, load<u8>(q + o4) & h4);
        store<u8>(q + o5, load<u8>(q + o5) & h5);
        store<u8>(q + o6, load<u8>(q + o6) & h6);
        store<u8>(q + o7, load<u8>(q + o7) & h7);
        i += cycle;
      }
    }
    // Each case crosses off one multiple and falls through to the next wheel position; the
    // loop leaves with j at the first multiple at or beyond limit.
    while (i < limit) {
      switch (j) {
        case 0:
          store<u8>(SEG + i, load<u8>(SEG + i) & h0);
          i += d0;
          if (i >= limit) { j = 1; break; }
        case 1:
          store<u8>(SEG + i, load<u8>(SEG + i) & h1);
          i += d1;
          if (i >= limit) { j = 2; break; }
        case 2:
          store<u8>(SEG + i, load<u8>(SEG + i) & h2);
          i += d2;
          if (i >= limit) { j = 3; break; }
        case 3:
          store<u8>(SEG + i, load<u8>(SEG + i) & h3);
          i += d3;
          if (i >= limit) { j = 4; break; }
        case 4:
          store<u8>(SEG + i, load<u8>(SEG + i) & h4);
          i += d4;
          if (i >= limit) { j = 5; break; }
        case 5:
          store<u8>(SEG + i, load<u8>(SEG + i) & h5);
          i += d5;
          if (i >= limit) { j = 6; break; }
        case 6:
          store<u8>(SEG + i, load<u8>(SEG + i) & h6);
          i += d6;
          if (i >= limit) { j = 7; break; }
        default:
          store<u8>(SEG + i, load<u8>(SEG + i) & h7);
          i += d7;
          j = 0;
      }
    }
    store<i32>(DIRECT_OFFSET + slot, i);
    store<i32>(DIRECT_RJ + slot, (rj & 56) | j);
  }
}

/** Crosses off the sparse primes' multiples in the segment (offsets < length) and moves each
 * to its next multiple, made relative to the next segment. */
function crossOffSparse(length: i32): void {
  const end = SPARSE + (<usize>sparseCount << 3);
  for (let entry = SPARSE; entry < end; entry += 8) {
    const word = load<u32>(entry);
    const a = <i32>(word >>> 6);
    let rj = <i32>(word & 63);
    let i = load<i32>(entry, 4);
    while (i < length) {
      const hit = load<u32>(HIT + (<usize>rj << 2));
      store<u8>(SEG + i, load<u8>(SEG + i) & hit);
      i += a * <i32>(hit >>> 16) + <i32>((hit >>> 8) & 0xff);
      rj = (rj & 56) | ((rj + 1) & 7);
    }
    store<u32>(entry, (<u32>a << 6) | <u32>rj);
    store<i32>(entry, i - length, 4);
  }
}

/** Next sieving prime from the bitmap cursor, in increasing order; 0 when exhausted. */
function nextSievingPrime(): u32 {
  while (cursorBits == 0) {
    cursorByte++;
    if (cursorByte >= primeBitsBytes) return 0;
    cursorBits = load<u8>(PRIME_BITS + cursorByte);
  }
  const k = <i32>ctz(cursorBits);
  cursorBits &= cursorBits - 1;
  return <u32>(30 * cursorByte + wheelAt(k));
}

/** floor(x / p) for x < 2^63 and p > 0: a float estimate (off by a few units at most, and
 * only for small p), corrected exactly; a 64-bit integer division costs several times more. */
// @ts-ignore: decorator
@inline
function divide(x: u64, p: u32): u64 {
  let q = <u64><i64>(<f64><i64>x / <f64>p); // signed conversions: cheaper than unsigned ones
  let rem = <i64>(x - q * p);
  while (rem < 0) {
    q--;
    rem += <i64>p;
  }
  while (rem >= <i64>p) {
    q++;
    rem -= <i64>p;
  }
  return q;
}

/** ceil(30 * rem / p) for rem < p < 2^32: exact in f64 (30 * rem < 2^37, and a quotient just
 * below an integer N <= 30 differs from N by at least 1/p, far above the rounding error). */
// @ts-ignore: decorator
@inline
function ceilRatio(rem: u32, p: u32): u32 {
  return <u32>Math.ceil((30 * <f64>rem) / <f64>p);
}

/** Starts using prime p: its first multiple p*m >= max(p*p, 30*rangeStartByte), m coprime to 30,
 * lies in the current segment or within the bucket ring ahead of it. */
function activate(p: u32, rangeStartByte: u64, segmentStartByte: u64): void {
  const a = p / 30;
  const r = p - 30 * a;
  let mHigh: u64;
  let mLow: u32;
  if (<u64>p * p >= 30 * rangeStartByte) {
    mHigh = a;
    mLow = r;
  } else {
    // With rangeStartByte = q*p + rem, ceil(30*rangeStartByte / p) = 30*q + ceil(30*rem / p).
    mHigh = divide(rangeStartByte, p);
    mLow = ceilRatio(<u32>(rangeStartByte - mHigh * p), p);
    mLow += <u32>load<i32>(GAP + (<usize>(mLow % 30) << 2)); // mLow may be 30
    if (mLow >= 30) {
      mHigh++;
      mLow -= 30;
    }
  }
  const j = bitOf(mLow);
  const w = <u32>wheelAt(j);
  const byte: u64 = <u64>p * mHigh + a * w + (r * w) / 30;
  const rj = 8 * bitOf(r) + j;
  const offset: u64 = byte - segmentStartByte;
  if (p < BIG_LIMIT) {
    const slot = <usize>directCount << 2;
    store<i32>(DIRECT_PRIME + slot, <i32>p);
    store<i32>(DIRECT_OFFSET + slot, <i32>offset);
    store<i32>(DIRECT_RJ + slot, rj);
    directCount++;
    if (p < SMALL_LIMIT) smallCount = directCount;
  } else {
    const entry = SPARSE + (<usize>sparseCount << 3);
    store<u32>(entry, (a << 6) | <u32>rj);
    store<i32>(entry, <i32>offset, 4);
    sparseCount++;
  }
}

/** Files hit `value` (offset in its segment << 8 | clear mask) under window segment s; a full
 * bucket (its write pointer at a BUCKET_BYTES boundary) is applied to its segment at once. */
// @ts-ignore: decorator
@inline
function pushHit(s: i32, value: u32): void {
  const slot = BUCKET_PTR + (<usize>s << 2);
  const ptr = load<u32>(slot);
  store<u32>(ptr, value);
  const next = ptr + 4;
  store<u32>(slot, next);
  if ((next & <u32>(BUCKET_BYTES - 1)) == 0) flushBucket(s);
}

/** Crosses off the hits filed under segment s of the part being prepared and empties its bucket. */
function flushBucket(s: i32): void {
  const slot = BUCKET_PTR + (<usize>s << 2);
  const start = BUCKETS + (<usize>s << LOG_BUCKET_BYTES);
  const end = <usize>load<u32>(slot);
  const seg = FILL_BASE + (<usize>s << LOG_SEGMENT_BYTES);
  let entry = start;
  for (; entry + 16 <= end; entry += 16) {
    const v0 = load<u32>(entry);
    const v1 = load<u32>(entry, 4);
    const v2 = load<u32>(entry, 8);
    const v3 = load<u32>(entry, 12);
    const q0 = seg + <usize>(v0 >>> 8);
    store<u8>(q0, load<u8>(q0) & v0);
    const q1 = seg + <usize>(v1 >>> 8);
    store<u8>(q1, load<u8>(q1) & v1);
    const q2 = seg + <usize>(v2 >>> 8);
    store<u8>(q2, load<u8>(q2) & v2);
    const q3 = seg + <usize>(v3 >>> 8);
    store<u8>(q3, load<u8>(q3) & v3);
  }
  for (; entry < end; entry += 4) {
    const v = load<u32>(entry);
    const q = seg + <usize>(v >>> 8);
    store<u8>(q, load<u8>(q) & v);
  }
  store<u32>(slot, <u32>start);
}

/**
 * Crosses off, in the winBytes wheel bytes from winStart (at FILL_BASE, the pre-sieve pattern
 * already laid; at most WINDOW_BYTES), the multiples of every sieving prime p >= SPARSE_LIMIT
 * with p <= limit and p^2 inside or below them. No per-prime state outlives them (near 2^64 that state
 * would be 203 million entries): each prime's first multiple in the window is found again by
 * one float division, corrected exactly, and its hits are filed by segment (EratBig's buckets,
 * emptied per window), so crossing them off touches one L2-sized segment at a time.
 *
 * Primes go through in batches, in three passes: take them from the bitmap; find each one's
 * first multiple (one float division and a table by the distance mod 30, in a loop without
 * data-dependent branches, so the chain of dependent operations per prime overlaps across
 * primes) and keep those that hit the window; file the hits. One loop doing all three
 * mispredicts so often that each prime costs its whole chain.
 */
function crossOffBig(winStart: u64, winBytes: i32, limit: u32): void {
  if (limit < SPARSE_LIMIT) return;
  const start = 30 * winStart; // a multiple of 30: never a hit, so "> start" is ">= start"
  const lastWord = <i32>(limit / 30) >> 3;
  bigWord = (<i32>SPARSE_FIRST_BYTE) >> 3;
  const belowFirst: u64 = <u64>(SPARSE_FIRST_BYTE & 7) * 8; // bits of the first word's bytes below it
  bigBits = load<u64>(PRIME_BITS + (<usize>bigWord << 3)) & (0xffff_ffff_ffff_ffff << belowFirst);
  while (bigWord <= lastWord) fileBatch(start, winStart, winBytes, limit, lastWord);
}

/**
 * One batch of crossOffBig: up to BATCH primes from the bitmap cursor (bigWord, bigBits) on,
 * their hits in the winBytes bytes from winStart filed. A function called per batch, not a loop
 * inside crossOffBig: V8 runs a Wasm function's optimized code only from its next call on.
 */
function fileBatch(start: u64, winStart: u64, winBytes: i32, limit: u32, lastWord: i32): void {
  const startF = <f64>start;
  // Pass 1: up to BATCH primes as a << 3 | k (p = 30a + WHEEL[k]); the last word may hold
  // primes above limit, dropped in pass 2.
  let taken = 0;
  let word = bigWord;
  let bits = bigBits;
  while (taken <= BATCH - 64 && word <= lastWord) {
    while (bits != 0) {
      const bit = <u32>ctz(bits);
      bits &= bits - 1;
      store<u32>(BATCH_PRIMES + (<usize>taken << 2), ((((<u32>word) << 3) + (bit >> 3)) << 3) | (bit & 7));
      taken++;
    }
    word++;
    bits = load<u64>(PRIME_BITS + (<usize>word << 3));
  }
  bigWord = word;
  bigBits = bits;
  // Pass 2: each prime's first multiple p * m >= start with m coprime to 30, as the distance
  // d = p * ceil(start / p) - start < p and a table: start is a multiple of 30, so
  // m = ceil(start / p) is d / r mod 30, the step g up to a multiplier coprime to 30 and the
  // carry of (d mod 30 + r * g) / 30 follow from (k, d mod 30), and the hit's byte in the window
  // is a * g + d / 30 + carry, all in u32. A loop without data-dependent branches (but for the
  // few primes whose square lies beyond start), so the chain of dependent operations per prime
  // overlaps across primes; the primes with a hit in the window are kept, compacted in place.
  const span = 30 * <u64>winBytes; // the numbers of the bytes
  let kept = 0;
  for (let n = 0; n < taken; n++) {
    const packed = load<u32>(BATCH_PRIMES + (<usize>n << 2));
    const a = packed >> 3;
    const k = packed & 7;
    const p: u32 = 30 * a + <u32>wheelAt(<i32>k);
    // start < 2^64 is within 2^10 of startF and p >= 2^22, so startF / p is within 2^-12 +
    // 2^-11 (the division's rounding at quotients < 2^42) of start / p: its truncation is
    // ceil(start / p) minus 0, 1 or 2. m * p may wrap past 2^64, but m * p - start is small
    // and reads right as i64: two branch-free steps up by p.
    let d0 = <i64>(<u64><i64>(startF / <f64>p) * <u64>p - start);
    d0 += (d0 >> 63) & <i64>p;
    d0 += (d0 >> 63) & <i64>p;
    const d = <u32>d0;
    const dq = d / 30;
    const first = load<u32>(FIRST_HIT + (<usize>((k << 5) | (d - 30 * dq)) << 2));
    let offset = a * (first & 0xff) + dq + ((first >>> 8) & 0xff);
    let rj = first >>> 16;
    const square: u64 = <u64>p * p;
    if (square > start) {
      // Its first multiple is its square (m = p: wheel position k).
      const distance = (square - start) / 30;
      offset = distance < <u64>winBytes ? <u32>distance : <u32>winBytes;
      rj = 9 * k;
    }
    const entry = BATCH_HITS + <usize>kept * 12;
    store<u32>(entry, a);
    store<u32>(entry, offset, 4);
    store<u32>(entry, rj, 8);
    kept += <i32>(offset < <u32>winBytes) & <i32>(p <= limit);
  }
  // Pass 3: file every hit in the window of the kept primes.
  const end = BATCH_HITS + <usize>kept * 12;
  for (let entry = BATCH_HITS; entry < end; entry += 12) {
    const a = <i32>load<u32>(entry);
    let i = <i32>load<u32>(entry, 4);
    let rj = <i32>load<u32>(entry, 8);
    do {
      const hit = load<u32>(HIT + (<usize>rj << 2));
      pushHit(i >>> LOG_SEGMENT_BYTES, (<u32>(i & (SEGMENT_BYTES - 1)) << 8) | (hit & 0xff));
      i += a * <i32>(hit >>> 16) + <i32>((hit >>> 8) & 0xff);
      rj = (rj & 56) | ((rj + 1) & 7);
    } while (i < winBytes);
  }
}

/** Empties every bucket of the window into its segment. */
function flushBuckets(): void {
  for (let s = 0; s < WINDOW_SEGMENTS; s++) {
    if (<usize>load<u32>(BUCKET_PTR + (<usize>s << 2)) != BUCKETS + (<usize>s << LOG_BUCKET_BYTES)) flushBucket(s);
  }
}

/** Keeps only the bits of a wheel byte whose numbers lie in [lo, hi]. 30 * byte <= hi never
 * wraps; 30 * byte + WHEEL[k] may (the last byte below 2^64), and such numbers exceed hi. */
function rangeMask(byte: u64, lo: u64, hi: u64): u32 {
  const base = 30 * byte;
  let mask: u32 = 0;
  for (let k = 0; k < 8; k++) {
    const n = base + <u64>wheelAt(k);
    if (n >= base && n >= lo && n <= hi) mask |= 1 << k;
  }
  return mask;
}

/** Set bits in SEG[0, length) (the bytes up to the next 8-byte boundary are zero). */
function countSurvivors(length: i32): u64 {
  const words = (length + 7) >> 3;
  let count: u64 = 0;
  for (let w = 0; w < words; w++) count += popcnt(load<u64>(SEG + (<usize>w << 3)));
  return count;
}

/** Folds prime n (larger than every prime folded before) into the summary. */
// @ts-ignore: decorator
@inline
function foldPrime(n: u64): void {
  if (resultCount == 0) {
    resultFirst = n;
  } else {
    const gap = n - resultLast;
    if (gap > resultMaxGap) {
      resultMaxGap = gap;
      resultGapStart = resultLast;
    }
    if (gap == 2) resultTwins++;
  }
  resultLast = n;
  resultCount++;
}

/** Folds every prime of SEG[0, length) (segment starting at wheel byte segStart) in order. */
function foldSurvivors(segStart: u64, length: i32): void {
  const words = (length + 7) >> 3;
  const base = 30 * segStart;
  for (let w = 0; w < words; w++) {
    let bits = load<u64>(SEG + (<usize>w << 3));
    while (bits != 0) {
      const k = <i32>ctz(bits);
      bits &= bits - 1;
      const byte = <u64>((w << 3) + (k >> 3));
      foldPrime(base + 30 * byte + load<u64>(WHEEL_RESIDUES_64 + (<usize>(k & 7) << 3)));
    }
  }
}

/** Copies the pre-sieve pattern for the segment at wheel byte segStart to `to`. */
function layPattern(to: usize, segStart: u64, length: i32, mode: i32): void {
  memory.copy(to, PATTERN + <usize>(segStart % <u64>PRESIEVE_PERIOD), <usize>length);
  if (segStart == 0) {
    // 1 is not prime; in a summary, 7..19 (crossed off by the pattern) are walked as primes.
    store<u8>(to, (load<u8>(to) & 0xfe) | (mode == MODE_SUMMARY ? 0x3e : 0));
  }
}

/** The start of the window holding wheel byte b. */
function windowStartOf(b: u64): u64 {
  return b < WINDOW_ORIGIN ? 0 : ((b - WINDOW_ORIGIN) & ~(<u64>WINDOW_BYTES - 1)) + WINDOW_ORIGIN;
}

/** The end (exclusive) of the window holding wheel byte b: at most END_BYTE. */
function windowEndOf(b: u64): u64 {
  return b < WINDOW_ORIGIN ? WINDOW_ORIGIN : min<u64>(windowStartOf(b) + <u64>WINDOW_BYTES, END_BYTE);
}

/** The largest sieving prime of the window ending before wheel byte winEnd: isqrt of its last
 * number (computed without wrapping past 2^64 - 1). */
function windowLimit(winEnd: u64): u32 {
  const lastNumber = winEnd > 0x0888_8888_8888_8888 ? 0xffff_ffff_ffff_ffff : 30 * winEnd - 1;
  return <u32>isqrt64(lastNumber);
}

/** Whether filing the big primes' hits in `bytes` more bytes costs less than finding their
 * first multiples again: hits run ~8 * (ln ln limit - ln ln SPARSE_LIMIT) per byte, the big
 * primes number ~limit / ln limit, and a hit costs well under half what a prime's first
 * multiple does. Near 2^64 a whole window's hits cost about half its primes. */
function cheaperToFile(bytes: u64, limit: u32): bool {
  const logLimit = Math.log(<f64>limit);
  const hitsPerByte = 8 * (Math.log(logLimit) - Math.log(Math.log(<f64>SPARSE_LIMIT)));
  const primes = <f64>limit / logLimit - <f64>SPARSE_LIMIT / Math.log(<f64>SPARSE_LIMIT);
  return <f64>bytes * hitsPerByte < 2 * primes;
}

/**
 * Makes WINDOW hold bytes [from, to) of the window [winStart, winEnd) prepared: the pre-sieve
 * pattern with the multiples of its big primes (SPARSE_LIMIT..limit) crossed off. What the calls
 * before left there is reused when it covers [from, to) (the next unit of a range starts where
 * the last one ended); otherwise the window is prepared from `from`, on to its end when filing
 * the rest costs less than finding the big primes' first multiples again in the next call.
 */
function prepareWindow(winStart: u64, winEnd: u64, from: u64, to: u64, limit: u32): void {
  if (winStart == windowStart && from >= windowFrom && to <= windowTo) return;
  windowStart = NO_WINDOW;
  const end = to < winEnd && cheaperToFile(winEnd - to, limit) ? winEnd : to;
  for (let at = from; at < end; at += <u64>SEGMENT_BYTES) {
    layPattern(WINDOW + <usize>(at - winStart), at, <i32>min<u64>(<u64>SEGMENT_BYTES, end - at), MODE_COUNT);
  }
  FILL_BASE = WINDOW + <usize>(from - winStart);
  crossOffBig(from, <i32>(end - from), limit);
  flushBuckets();
  windowStart = winStart;
  windowFrom = from;
  windowTo = end;
}

/**
 * Finishes the segment in SEG (length wheel bytes from byte segStart, pattern and big primes
 * done): crosses off the primes below SPARSE_LIMIT (activating those whose square it reaches),
 * keeps the bits of [lo, hi], and counts, folds or files the survivors by mode. A function of
 * its own, called per segment: V8 runs a Wasm function's optimized code from its next call on,
 * so the hot work must not sit in one long-running call.
 */
function finishSegment(segStart: u64, length: i32, lo: u64, hi: u64, mode: i32): void {
  const segEndByte = segStart + <u64>length;
  while (pendingPrime != 0 && pendingPrime <= callRoot && pendingPrime < SPARSE_LIMIT && (<u64>pendingPrime * pendingPrime) / 30 < segEndByte) {
    activate(pendingPrime, callStartByte, segStart);
    pendingPrime = nextSievingPrime();
  }

  for (let chunk = 0; chunk < length; chunk += L1_CHUNK_BYTES) {
    crossOffDirect(0, smallCount, min<i32>(chunk + L1_CHUNK_BYTES, length));
  }
  crossOffDirect(smallCount, directCount, length);
  crossOffSparse(length);
  for (let n = 0; n < directCount; n++) {
    const slot = DIRECT_OFFSET + (<usize>n << 2);
    store<i32>(slot, load<i32>(slot) - length);
  }

  store<u8>(SEG, load<u8>(SEG) & rangeMask(segStart, lo, hi));
  const last = SEG + <usize>(length - 1);
  store<u8>(last, load<u8>(last) & rangeMask(segStart + <u64>(length - 1), lo, hi));
  memory.fill(SEG + <usize>length, 0, <usize>(((length + 7) & ~7) - length));
  if (mode == MODE_COUNT) {
    resultCount += countSurvivors(length);
  } else if (mode == MODE_SUMMARY) {
    foldSurvivors(segStart, length);
  } else {
    memory.copy(PRIME_BITS + <usize>segStart, SEG, <usize>length);
  }
}

/**
 * Sieves [lo, hi] (the sieving primes up to isqrt(hi), and up to each big window's limit, are
 * in the bitmap) segment by segment and, by mode, counts the primes into resultCount, folds
 * them all into the result* summary, or copies each segment into the sieving-prime bitmap at
 * its own byte offset. Memory is the same whatever the width of [lo, hi]: one window, its
 * buckets, one scratch segment, and the state of the primes below SPARSE_LIMIT, which carry
 * their next multiple from segment to segment.
 */
function sieveRange(lo: u64, hi: u64, mode: i32): void {
  resultCount = 0;
  resultFirst = 0;
  resultLast = 0;
  resultTwins = 0;
  resultMaxGap = 0;
  resultGapStart = 0;
  if (mode == MODE_COUNT) {
    for (let n = 0; n < 8; n++) {
      const p = load<u64>(PRIMES_BELOW_23 + (<usize>n << 3));
      if (p >= lo && p <= hi) resultCount++;
    }
  } else if (mode == MODE_SUMMARY) {
    for (let n = 0; n < 3; n++) {
      const p = load<u64>(PRIMES_BELOW_7 + (<usize>n << 3));
      if (p >= lo && p <= hi) foldPrime(p);
    }
  }

  const startByte = lo / 30;
  const endByte = hi / 30 + 1;
  callRoot = <u32>isqrt64(hi);
  callStartByte = startByte;
  directCount = 0;
  smallCount = 0;
  sparseCount = 0;
  cursorByte = 0;
  cursorBits = load<u8>(PRIME_BITS) & ~0x3f; // skip 1, 7, 11, 13, 17, 19
  pendingPrime = nextSievingPrime();

  let segStart = startByte;
  while (segStart < endByte) {
    const winStart = windowStartOf(segStart);
    const winEnd = windowEndOf(segStart);
    const to = min<u64>(winEnd, endByte);
    const limit = windowLimit(winEnd);
    // Without big primes a window is only a run of segments, each laid from the pattern.
    const big = limit >= SPARSE_LIMIT;
    if (big) prepareWindow(winStart, winEnd, segStart, to, limit);
    while (segStart < to) {
      // Segments are aligned to their window's start.
      const segEnd = min<u64>(segStart + <u64>SEGMENT_BYTES - ((segStart - winStart) & <u64>(SEGMENT_BYTES - 1)), to);
      const length = <i32>(segEnd - segStart);
      if (big) {
        memory.copy(SEG, WINDOW + <usize>(segStart - winStart), <usize>length);
        if (segStart == 0 && mode == MODE_SUMMARY) store<u8>(SEG, load<u8>(SEG) | 0x3e);
      } else {
        layPattern(SEG, segStart, length, mode);
      }
      finishSegment(segStart, length, lo, hi, mode);
      segStart = segEnd;
    }
  }
}

/** Sieves [lo, hi], 0 <= lo <= hi <= 2^64 - 1 (the caller checks), in the given mode:
 * 0 counts the primes (resultCount), 1 also finds the first and last prime, the twin pairs and
 * the largest gap with its smallest start. The results are read with the getters below. */
export function sieve(lo: u64, hi: u64, mode: i32): void {
  const root = <u32>isqrt64(hi);
  const windowRoot = windowLimit(windowEndOf(hi / 30));
  ensureSievingPrimes(windowRoot >= SPARSE_LIMIT ? windowRoot : root);
  sieveRange(lo, hi, mode == MODE_SUMMARY ? MODE_SUMMARY : MODE_COUNT);
}

export function count(): u64 {
  return resultCount;
}

export function firstPrime(): u64 {
  return resultFirst;
}

export function lastPrime(): u64 {
  return resultLast;
}

export function twinPairs(): u64 {
  return resultTwins;
}

export function maxGap(): u64 {
  return resultMaxGap;
}

export function maxGapStart(): u64 {
  return resultGapStart;
}

/** Bytes of linear memory the module holds (for memory measurements). */
export function memoryBytes(): f64 {
  return <f64>memory.size() * 65536;
}
