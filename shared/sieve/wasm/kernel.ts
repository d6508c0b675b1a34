// @ts-nocheck -- AssemblyScript source, compiled to Wasm by scripts/build-wasm.ts (asc), not by tsc.
//
// The Wasm sieve kernel: the same design as ../js-kernel.ts (read that file for the method):
// mod-30 wheel bytes, pre-sieve pattern for 7..19, primes < SMALL_LIMIT by L1 chunks and
// primes < BIG_LIMIT by segment (both in crossOffDirect: single steps up to wheel position 0,
// whole wheel cycles 8 multiples per pass, single steps to the end, all with the 8 step
// lengths in locals), primes < SPARSE_LIMIT in one flat list visited every segment, bucket
// sieve above, i64 popcount.
// Memory is laid out by hand (runtime "stub", no allocations): fixed regions sized for the
// largest case, then the bucket block pool, which grows with memory.grow. Untouched pages of a
// Wasm memory are not resident, so the fixed regions cost only what a run uses.

const LOG_SEGMENT_BYTES: i32 = 19;
const SEGMENT_BYTES: i32 = 1 << LOG_SEGMENT_BYTES;
const L1_CHUNK_BYTES: i32 = 1 << 15;
/** Primes below this have >= 8 wheel cycles (64 multiples) per L1 chunk: they sieve chunk by
 * chunk. Larger ones sieve the whole (L2-sized) segment per prime, as primesieve's EratMedium;
 * measured: 2048 ~ 4096 < 8192 < 16384 < 32768 (the old threshold) on [1e12, 1e12+1e9]. */
const SMALL_LIMIT: u32 = 4096;
const BIG_LIMIT: u32 = <u32>SEGMENT_BYTES;
/** Primes in [BIG_LIMIT, SPARSE_LIMIT) have >= 1 multiple per segment on average
 * (8 * SEGMENT_BYTES / p): they live in one flat list, every entry visited every segment,
 * with no bucket bookkeeping (pushes cost more than the crossings at 1..8 hits per segment). */
const SPARSE_LIMIT: u32 = <u32>SEGMENT_BYTES * 8;
/** Room for the sparse primes: pi(2^22) = 295,947. */
const MAX_SPARSE: i32 = 300_000;
/** Room for the direct primes: pi(BIG_LIMIT) = 43,390 for BIG_LIMIT = 2^19. */
const MAX_DIRECT: i32 = 44_000;
const MAX_SIEVING_PRIME: u32 = 94_906_265;
const BUCKET_RING: i32 = 128;
/** A block: the address of the bucket's previous block (u32, 0 for none), 4 bytes unused, then
 * BLOCK_ENTRIES entries of (word, offset). Blocks are BLOCK_BYTES-aligned, so a bucket's write
 * pointer (its head) tells by its low bits when its block is full, as in primesieve's Bucket. */
const BLOCK_BYTES: i32 = 8192;
const BLOCK_ENTRIES: i32 = BLOCK_BYTES / 8 - 1;
const PRESIEVE_PERIOD: i32 = 323_323;

// Constant tables in static data (a StaticArray literal would allocate, and nothing here may:
// the regions below start at __heap_base, where an allocator would put its objects).
const WHEEL_RESIDUES = memory.data<i32>([1, 7, 11, 13, 17, 19, 23, 29]);
const MULTIPLIER_STEPS = memory.data<i32>([6, 4, 2, 4, 2, 4, 6, 2]);
const PRESIEVE_PRIMES = memory.data<i32>([7, 11, 13, 17, 19]);
const PRIMES_BELOW_23 = memory.data<u64>([2, 3, 5, 7, 11, 13, 17, 19]);

let HIT: usize = 0; // 64 x u32: clear mask | carry << 8 | multiplier step << 16, by rj
let WHEEL: usize = 0; // 8 x i32: WHEEL_RESIDUES
let BIT_OF: usize = 0; // 30 x i32: bit of a residue, -1 if not coprime to 30
let GAP: usize = 0; // 30 x i32: distance up to the next residue coprime to 30
let PATTERN: usize = 0;
let SEG: usize = 0;
let DIRECT_PRIME: usize = 0;
let DIRECT_OFFSET: usize = 0;
let DIRECT_RJ: usize = 0;
let BUCKET_HEAD: usize = 0;
let SPARSE: usize = 0; // MAX_SPARSE x ((a << 6) | rj: u32, offset: i32)
let PRIME_BITS: usize = 0;
let POOL: usize = 0;

let poolBlocks: i32 = 0;
let freeBlock: i32 = -1;
/** Blocks [freshBlock, poolBlocks) have never been used since the last reset: taken in order
 * after the free list, so a run touches (makes resident) only as many blocks as it keeps live. */
let freshBlock: i32 = 0;
let primeBitsLimit: u32 = 0;
let primeBitsBytes: i32 = 0;
let directCount: i32 = 0;
let smallCount: i32 = 0;
let sparseCount: i32 = 0;
let cursorByte: i32 = 0;
let cursorBits: u32 = 0;

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
  PATTERN = (at + 63) & ~63;
  at = PATTERN + PRESIEVE_PERIOD + SEGMENT_BYTES;
  SEG = (at + 63) & ~63;
  at = SEG + SEGMENT_BYTES + 64;
  DIRECT_PRIME = at;
  at += MAX_DIRECT * 4;
  DIRECT_OFFSET = at;
  at += MAX_DIRECT * 4;
  DIRECT_RJ = at;
  at += MAX_DIRECT * 4;
  BUCKET_HEAD = at;
  at += BUCKET_RING * 4;
  SPARSE = (at + 63) & ~63;
  at = SPARSE + <usize>MAX_SPARSE * 8;
  PRIME_BITS = (at + 63) & ~63;
  at = PRIME_BITS + MAX_SIEVING_PRIME / 30 + 64;
  POOL = (at + <usize>BLOCK_BYTES - 1) & ~(<usize>BLOCK_BYTES - 1);
  ensureMemory(POOL);

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

/** Grows the prime bitmap to cover every prime <= limit (in-place Eratosthenes on the wheel). */
function ensureSievingPrimes(limit: u32): void {
  if (limit <= primeBitsLimit) return;
  let target = max<u32>(max<u32>(limit, 2 * primeBitsLimit), 1 << 16);
  if (target > MAX_SIEVING_PRIME) target = MAX_SIEVING_PRIME;
  const bytes = <i32>(target / 30) + 1;
  for (let b = 0; b < bytes; b += PRESIEVE_PERIOD) {
    memory.copy(PRIME_BITS + b, PATTERN, <usize>min<i32>(PRESIEVE_PERIOD, bytes - b));
  }
  store<u8>(PRIME_BITS, load<u8>(PRIME_BITS) & 0xfe); // 1 is not prime
  for (let b = 0; <u64>900 * b * b <= <u64>target; b++) {
    for (let bits = <u32>load<u8>(PRIME_BITS + b); bits != 0; bits &= bits - 1) {
      const k = <i32>ctz(bits);
      const p = <u32>(30 * b + wheelAt(k));
      if (<u64>p * p > <u64>target) break;
      const a = p / 30;
      let rj = 9 * k; // multiplier m = p: position (r = p mod 30, j = k)
      for (let i = <i32>((<u64>p * p) / 30); i < bytes; ) {
        const hit = load<u32>(HIT + (<usize>rj << 2));
        store<u8>(PRIME_BITS + i, load<u8>(PRIME_BITS + i) & hit);
        i += <i32>(a * (hit >>> 16) + ((hit >>> 8) & 0xff));
        rj = (rj & 56) | ((rj + 1) & 7);
      }
    }
  }
  // Bits above target in the last byte must not be taken as primes.
  for (let k = 0; k < 8; k++) {
    if (<u64>30 * (bytes - 1) + wheelAt(k) > <u64>target) {
      const keep: i32 = ~(1 << k);
      store<u8>(PRIME_BITS + bytes - 1, <i32>load<u8>(PRIME_BITS + bytes - 1) & keep);
    }
  }
  primeBitsLimit = target;
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

function blockAt(block: i32): usize {
  return POOL + <usize>block * BLOCK_BYTES;
}

function allocateBlock(): i32 {
  let block = freeBlock;
  if (block >= 0) {
    freeBlock = load<i32>(blockAt(block));
  } else {
    if (freshBlock == poolBlocks) {
      const grown = max<i32>(2 * poolBlocks, 2 * BUCKET_RING);
      ensureMemory(blockAt(grown));
      poolBlocks = grown;
    }
    block = freshBlock++;
  }
  return block;
}

/** Makes room for `blocks` blocks up front, so a big run grows memory once, not by doubling. */
function reservePool(blocks: i32): void {
  if (blocks <= poolBlocks) return;
  ensureMemory(blockAt(blocks));
  poolBlocks = blocks;
}

/** Empties every bucket: all blocks unused again (without touching them). */
function resetBuckets(): void {
  freeBlock = -1;
  freshBlock = 0;
  memory.fill(BUCKET_HEAD, 0, BUCKET_RING * 4);
}

function pushBucket(segmentIndex: i32, word: u32, offset: i32): void {
  const head = BUCKET_HEAD + (<usize>(segmentIndex & (BUCKET_RING - 1)) << 2);
  let ptr = load<u32>(head); // next free entry; 0 (empty bucket) or a block's end when full
  if ((ptr & <u32>(BLOCK_BYTES - 1)) == 0) {
    const fresh = <u32>blockAt(allocateBlock());
    store<u32>(fresh, ptr == 0 ? 0 : ptr - <u32>BLOCK_BYTES);
    ptr = fresh + 8;
  }
  store<u32>(ptr, word);
  store<i32>(ptr, offset, 4);
  store<u32>(head, ptr + 8);
}

/** Crosses off the bucketed primes' multiples in segment segmentIndex and files each prime
 * into the bucket of its next hit (always a later segment, never this ring slot). */
function crossOffBuckets(segmentIndex: i32): void {
  const head = BUCKET_HEAD + (<usize>(segmentIndex & (BUCKET_RING - 1)) << 2);
  let ptr = load<u32>(head);
  store<u32>(head, 0);
  while (ptr != 0) {
    const at = <usize>((ptr - 1) & ~<u32>(BLOCK_BYTES - 1));
    const end = <usize>ptr;
    for (let entry = at + 8; entry < end; entry += 8) {
      const word = load<u32>(entry);
      const a = <i32>(word >>> 6);
      let rj = <i32>(word & 63);
      let i = load<i32>(entry, 4);
      do {
        const hit = load<u32>(HIT + (<usize>rj << 2));
        store<u8>(SEG + i, load<u8>(SEG + i) & hit);
        i += a * <i32>(hit >>> 16) + <i32>((hit >>> 8) & 0xff);
        rj = (rj & 56) | ((rj + 1) & 7);
      } while (i < SEGMENT_BYTES);
      pushBucket(segmentIndex + (i >>> LOG_SEGMENT_BYTES), (<u32>a << 6) | <u32>rj, i & (SEGMENT_BYTES - 1));
    }
    const previous = load<u32>(at);
    store<i32>(at, freeBlock);
    freeBlock = <i32>((at - POOL) / <usize>BLOCK_BYTES);
    ptr = previous == 0 ? 0 : previous + <u32>BLOCK_BYTES;
  }
}

/** Crosses off the sparse primes' multiples in the segment (every offset < SEGMENT_BYTES: the
 * buffer has room past a short last segment) and moves each to its next multiple, made
 * relative to the next segment. */
function crossOffSparse(): void {
  const end = SPARSE + (<usize>sparseCount << 3);
  for (let entry = SPARSE; entry < end; entry += 8) {
    const word = load<u32>(entry);
    const a = <i32>(word >>> 6);
    let rj = <i32>(word & 63);
    let i = load<i32>(entry, 4);
    while (i < SEGMENT_BYTES) {
      const hit = load<u32>(HIT + (<usize>rj << 2));
      store<u8>(SEG + i, load<u8>(SEG + i) & hit);
      i += a * <i32>(hit >>> 16) + <i32>((hit >>> 8) & 0xff);
      rj = (rj & 56) | ((rj + 1) & 7);
    }
    store<u32>(entry, (<u32>a << 6) | <u32>rj);
    store<i32>(entry, i - SEGMENT_BYTES, 4);
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

/** Starts using prime p: its first multiple p*m >= max(p*p, 30*rangeStartByte), m coprime to 30,
 * lies in the current segment or within the bucket ring ahead of it. */
function activate(p: u32, rangeStartByte: u64, rangeEndByte: u64, segmentIndex: i32, segmentStartByte: u64): void {
  const a = p / 30;
  const r = p - 30 * a;
  let mHigh: u64;
  let mLow: u32;
  if (<u64>p * p >= 30 * rangeStartByte) {
    mHigh = a;
    mLow = r;
  } else {
    // With rangeStartByte = q*p + rem, ceil(30*rangeStartByte / p) = 30*q + ceil(30*rem / p).
    const q = rangeStartByte / p;
    const rem = <u32>(rangeStartByte - q * p);
    mHigh = q;
    mLow = (30 * rem + p - 1) / p;
    mLow += <u32>load<i32>(GAP + (<usize>(mLow % 30) << 2));
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
  } else if (p < SPARSE_LIMIT) {
    const entry = SPARSE + (<usize>sparseCount << 3);
    store<u32>(entry, (a << 6) | <u32>rj);
    store<i32>(entry, <i32>offset, 4);
    sparseCount++;
  } else if (byte < rangeEndByte) {
    pushBucket(
      segmentIndex + <i32>(offset >> LOG_SEGMENT_BYTES),
      (a << 6) | <u32>rj,
      <i32>(offset & <u64>(SEGMENT_BYTES - 1)),
    );
  }
}

/** Keeps only the bits of a wheel byte whose numbers lie in [lo, hi]. */
function rangeMask(byte: u64, lo: u64, hi: u64): u32 {
  let mask: u32 = 0;
  for (let k = 0; k < 8; k++) {
    const n = 30 * byte + <u64>wheelAt(k);
    if (n >= lo && n <= hi) mask |= 1 << k;
  }
  return mask;
}

/** Set bits in SEG[0, length), after zeroing the bytes up to the next 8-byte boundary. */
function countSurvivors(length: i32): u64 {
  const words = (length + 7) >> 3;
  memory.fill(SEG + length, 0, <usize>(words * 8 - length));
  let count: u64 = 0;
  for (let w = 0; w < words; w++) count += popcnt(load<u64>(SEG + (<usize>w << 3)));
  return count;
}

/** Upper bound on the primes in the bitmap at or below limit (pi(x) < 1.26 x / ln x). */
function primeCountBound(limit: u32): i32 {
  return limit < 17 ? 8 : <i32>((1.26 * <f64>limit) / Math.log(<f64>limit)) + 1;
}

/** Number of primes p with lo <= p <= hi; the caller checks 0 <= lo <= hi <= 2^53 - 1. */
export function countPrimes(loF: f64, hiF: f64): f64 {
  const lo = <u64>loF;
  const hi = <u64>hiF;
  let count: u64 = 0;
  for (let n = 0; n < 8; n++) {
    const p = load<u64>(PRIMES_BELOW_23 + (<usize>n << 3));
    if (p >= lo && p <= hi) count++;
  }
  const root = <u32>Math.floor(Math.sqrt(<f64>hi));
  let exactRoot = root;
  while (<u64>exactRoot * exactRoot > hi) exactRoot--;
  while (<u64>(exactRoot + 1) * (exactRoot + 1) <= hi) exactRoot++;
  ensureSievingPrimes(exactRoot);

  const startByte = lo / 30;
  const endByte = hi / 30 + 1;
  directCount = 0;
  smallCount = 0;
  sparseCount = 0;
  if (exactRoot >= SPARSE_LIMIT) reservePool(primeCountBound(exactRoot) / BLOCK_ENTRIES + 2 * BUCKET_RING);
  resetBuckets();
  cursorByte = 0;
  cursorBits = load<u8>(PRIME_BITS) & ~0x3f; // skip 1, 7, 11, 13, 17, 19
  let pending = nextSievingPrime();

  let s: i32 = 0;
  for (let segStart = startByte; segStart < endByte; segStart += <u64>SEGMENT_BYTES) {
    const length = <i32>min<u64>(<u64>SEGMENT_BYTES, endByte - segStart);
    memory.copy(SEG, PATTERN + <usize>(segStart % <u64>PRESIEVE_PERIOD), <usize>length);
    if (segStart == 0) store<u8>(SEG, load<u8>(SEG) & 0xfe); // 1 is not prime

    // Primes whose square lies below this segment's end start crossing off here.
    const segEndNumber = 30 * (segStart + <u64>length);
    while (pending != 0 && pending <= exactRoot && <u64>pending * pending < segEndNumber) {
      activate(pending, startByte, endByte, s, segStart);
      pending = nextSievingPrime();
    }

    for (let chunk = 0; chunk < length; chunk += L1_CHUNK_BYTES) {
      crossOffDirect(0, smallCount, min<i32>(chunk + L1_CHUNK_BYTES, length));
    }
    crossOffDirect(smallCount, directCount, length);
    crossOffSparse();
    crossOffBuckets(s);
    for (let n = 0; n < directCount; n++) {
      const slot = DIRECT_OFFSET + (<usize>n << 2);
      store<i32>(slot, load<i32>(slot) - SEGMENT_BYTES);
    }

    store<u8>(SEG, load<u8>(SEG) & rangeMask(segStart, lo, hi));
    const last = SEG + <usize>(length - 1);
    store<u8>(last, load<u8>(last) & rangeMask(segStart + <u64>(length - 1), lo, hi));
    count += countSurvivors(length);
    s++;
  }
  return <f64>count;
}
