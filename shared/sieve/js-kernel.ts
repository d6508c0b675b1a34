/**
 * The pure-JS sieve kernel (fallback where WebAssembly is unavailable, and the reference design
 * the Wasm kernel in wasm/kernel.ts mirrors).
 *
 * Segmented sieve of Eratosthenes on a mod-30 wheel (see wheel.ts):
 * - each segment of SEGMENT_BYTES starts as a copy of the pre-sieve pattern (7..19 crossed off);
 * - primes below SMALL_LIMIT cross off L1-sized chunks, 8 multiples per loop pass;
 * - primes below BIG_LIMIT cross off the whole (L2-sized) segment the same way;
 * - primes below SPARSE_LIMIT (1 to 8 hits per segment) live in one flat list of
 *   (wheel word, next offset) visited every segment;
 * - larger primes (under one hit per segment) live in buckets, one per upcoming segment,
 *   each holding the primes whose next multiple falls in that segment;
 * - the survivors are counted with popcounts.
 * All state lives in this module, so each thread (module instance) has its own caches:
 * the sieving-prime bitmap grows lazily to sqrt(hi) of the largest hi asked for.
 *
 * Absolute positions are doubles (exact below 2^53); int32 bit operations are used only on
 * segment-relative positions and on primes (< 2^27).
 */
import {
  CARRY,
  CLEAR_MASK,
  GAP_TO_COPRIME,
  BIT_OF_RESIDUE,
  PRESIEVE_PERIOD,
  PRIMES_BELOW_23,
  STEP,
  UNROLL_CARRY,
  WHEEL,
  buildPresievePattern,
  floorDiv,
  isqrt,
} from './wheel.js';

const LOG_SEGMENT_BYTES = 19;
const SEGMENT_BYTES = 1 << LOG_SEGMENT_BYTES;
const L1_CHUNK_BYTES = 1 << 15;
/** Primes below this have >= 8 wheel cycles (64 multiples) per L1 chunk: they sieve chunk by
 * chunk; larger ones sieve the whole segment per prime (see wasm/kernel.ts for measurements). */
const SMALL_LIMIT = 4096;
/** Primes below this sieve each segment directly. */
const BIG_LIMIT = SEGMENT_BYTES;
/** Primes below this (>= 1 hit per segment on average: 8 * SEGMENT_BYTES / p) sit in the flat
 * sparse list; larger ones go through buckets. */
const SPARSE_LIMIT = 8 * SEGMENT_BYTES;
/** Largest sieving prime ever needed: isqrt(2^53 - 1). */
const MAX_SIEVING_PRIME = 94_906_265;
/** Buckets form a ring over upcoming segments; a big prime's next multiple is at most
 * a * 6 + 1 bytes ahead (a = p / 30 < 2^22), under 37 segments, so 128 never wrap onto
 * a live bucket. */
const BUCKET_RING = 128;
/** Entries per bucket block (2 words each: (a << 6) | rj, then the byte offset in its segment). */
const BLOCK_ENTRIES = 1024;

/** Bitmap of the primes below sieveLimit in the wheel layout (7..19 excluded by the pattern). */
let primeBits = new Uint8Array(0);
let primeBitsLimit = 0;

const presievePattern = buildPresievePattern(SEGMENT_BYTES);
const segmentBuffer = new ArrayBuffer(SEGMENT_BYTES);
const segment = new Uint8Array(segmentBuffer);
const segmentWords = new Int32Array(segmentBuffer);

/** Per-call state of the primes below BIG_LIMIT: prime, byte offset of the next multiple
 * relative to the current segment start, and its wheel position rj. */
let directPrimes = new Int32Array(4096);
let directOffsets = new Int32Array(4096);
let directPositions = new Int32Array(4096);
let directCount = 0;
/** directPrimes[0, smallCount) are the primes below SMALL_LIMIT. */
let smallCount = 0;

/** The sparse primes: pairs ((a << 6) | rj, byte offset of the next multiple relative to the
 * current segment start). */
let sparse = new Int32Array(8192);
let sparseCount = 0;

/** Bucket storage: blocks of BLOCK_ENTRIES entries; blockNext links a bucket's blocks (and the
 * free list), blockFill counts the entries of a block. */
let blockPool = new Int32Array(0);
let blockNext = new Int32Array(0);
let blockFill = new Int32Array(0);
let freeBlock = -1;
const bucketHead = new Int32Array(BUCKET_RING);

/** Grows primeBits to cover every prime <= limit (in-place Eratosthenes on the wheel bitmap). */
function ensureSievingPrimes(limit: number): void {
  if (limit <= primeBitsLimit) return;
  const target = Math.min(MAX_SIEVING_PRIME, Math.max(limit, 2 * primeBitsLimit, 1 << 16));
  const bytes = floorDiv(target, 30) + 1;
  const bitmap = new Uint8Array(bytes);
  for (let b = 0; b < bytes; b++) bitmap[b] = presievePattern[b % PRESIEVE_PERIOD]!;
  bitmap[0]! &= 0xfe; // 1 is not prime
  for (let b = 0; 900 * b * b <= target; b++) {
    for (let bits = bitmap[b]!; bits !== 0; bits &= bits - 1) {
      const k = 31 - Math.clz32(bits & -bits);
      const p = 30 * b + WHEEL[k]!;
      if (p * p > target) break;
      const a = (p / 30) | 0;
      let rj = 9 * k; // multiplier m = p: position (r = p mod 30, j = k)
      for (let i = (p * p - ((p * p) % 30)) / 30; i < bytes; ) {
        bitmap[i]! &= CLEAR_MASK[rj]!;
        i += a * STEP[rj]! + CARRY[rj]!;
        rj = (rj & 56) | ((rj + 1) & 7);
      }
    }
  }
  // Bits above target in the last byte must not be taken as primes.
  for (let k = 0; k < 8; k++) if (30 * (bytes - 1) + WHEEL[k]! > target) bitmap[bytes - 1]! &= ~(1 << k);
  primeBits = bitmap;
  primeBitsLimit = target;
}

/**
 * Crosses off, for directPrimes[from, to), every multiple at a byte offset < limit, 8 multiples
 * per pass when the wheel position allows, and leaves each prime's state at its first multiple
 * at or beyond limit.
 */
function crossOffDirect(from: number, to: number, limit: number): void {
  const seg = segment;
  for (let n = from; n < to; n++) {
    const p = directPrimes[n]!;
    const a = (p / 30) | 0;
    let i = directOffsets[n]!;
    let rj = directPositions[n]!;
    while ((rj & 7) !== 0 && i < limit) {
      seg[i]! &= CLEAR_MASK[rj]!;
      i += a * STEP[rj]! + CARRY[rj]!;
      rj = (rj & 56) | ((rj + 1) & 7);
    }
    if ((rj & 7) === 0) {
      const o1 = a * 6 + UNROLL_CARRY[rj + 1]!;
      const o2 = a * 10 + UNROLL_CARRY[rj + 2]!;
      const o3 = a * 12 + UNROLL_CARRY[rj + 3]!;
      const o4 = a * 16 + UNROLL_CARRY[rj + 4]!;
      const o5 = a * 18 + UNROLL_CARRY[rj + 5]!;
      const o6 = a * 22 + UNROLL_CARRY[rj + 6]!;
      const o7 = a * 28 + UNROLL_CARRY[rj + 7]!;
      const m0 = CLEAR_MASK[rj]!;
      const m1 = CLEAR_MASK[rj + 1]!;
      const m2 = CLEAR_MASK[rj + 2]!;
      const m3 = CLEAR_MASK[rj + 3]!;
      const m4 = CLEAR_MASK[rj + 4]!;
      const m5 = CLEAR_MASK[rj + 5]!;
      const m6 = CLEAR_MASK[rj + 6]!;
      const m7 = CLEAR_MASK[rj + 7]!;
      for (const end = limit - o7; i < end; i += p) {
        seg[i]! &= m0;
        seg[i + o1]! &= m1;
        seg[i + o2]! &= m2;
        seg[i + o3]! &= m3;
        seg[i + o4]! &= m4;
        seg[i + o5]! &= m5;
        seg[i + o6]! &= m6;
        seg[i + o7]! &= m7;
      }
    }
    while (i < limit) {
      seg[i]! &= CLEAR_MASK[rj]!;
      i += a * STEP[rj]! + CARRY[rj]!;
      rj = (rj & 56) | ((rj + 1) & 7);
    }
    directOffsets[n] = i;
    directPositions[n] = rj;
  }
}

function allocateBlock(): number {
  if (freeBlock < 0) growBlockPool(Math.max(2 * blockNext.length, 2 * BUCKET_RING));
  const block = freeBlock;
  freeBlock = blockNext[block]!;
  blockFill[block] = 0;
  return block;
}

function growBlockPool(blocks: number): void {
  const old = blockNext.length;
  if (blocks <= old) return;
  const pool = new Int32Array(blocks * BLOCK_ENTRIES * 2);
  pool.set(blockPool);
  const next = new Int32Array(blocks);
  next.set(blockNext);
  const fill = new Int32Array(blocks);
  fill.set(blockFill);
  for (let b = blocks - 1; b >= old; b--) {
    next[b] = freeBlock;
    freeBlock = b;
  }
  blockPool = pool;
  blockNext = next;
  blockFill = fill;
}

/** Empties every bucket: all blocks back on the free list. */
function resetBuckets(): void {
  freeBlock = -1;
  for (let b = blockNext.length - 1; b >= 0; b--) {
    blockNext[b] = freeBlock;
    freeBlock = b;
  }
  bucketHead.fill(-1);
}

function pushBucket(segmentIndex: number, word: number, offset: number): void {
  const ring = segmentIndex & (BUCKET_RING - 1);
  let block = bucketHead[ring]!;
  if (block < 0 || blockFill[block] === BLOCK_ENTRIES) {
    const fresh = allocateBlock();
    blockNext[fresh] = block;
    bucketHead[ring] = fresh;
    block = fresh;
  }
  const fill = blockFill[block]!;
  const at = (block * BLOCK_ENTRIES + fill) * 2;
  blockPool[at] = word;
  blockPool[at + 1] = offset;
  blockFill[block] = fill + 1;
}

/** Crosses off the multiples of the bucketed primes hitting segment segmentIndex and files
 * each prime into the bucket of its next hit. */
function crossOffBuckets(segmentIndex: number): void {
  const ring = segmentIndex & (BUCKET_RING - 1);
  let block = bucketHead[ring]!;
  bucketHead[ring] = -1;
  const seg = segment;
  while (block >= 0) {
    const pool = blockPool;
    const start = block * BLOCK_ENTRIES * 2;
    const end = start + blockFill[block]! * 2;
    for (let e = start; e < end; e += 2) {
      const word = pool[e]!;
      const a = word >>> 6;
      let rj = word & 63;
      let i = pool[e + 1]!;
      do {
        seg[i]! &= CLEAR_MASK[rj]!;
        i += a * STEP[rj]! + CARRY[rj]!;
        rj = (rj & 56) | ((rj + 1) & 7);
      } while (i < SEGMENT_BYTES);
      pushBucket(segmentIndex + (i >>> LOG_SEGMENT_BYTES), (a << 6) | rj, i & (SEGMENT_BYTES - 1));
    }
    const next = blockNext[block]!;
    blockNext[block] = freeBlock;
    freeBlock = block;
    block = next;
  }
}

/** Crosses off the sparse primes' multiples in the segment (offsets < SEGMENT_BYTES: the buffer
 * is full-size even for a short last segment) and moves each to its next multiple, relative to
 * the next segment. */
function crossOffSparse(): void {
  const seg = segment;
  const list = sparse;
  const end = 2 * sparseCount;
  for (let e = 0; e < end; e += 2) {
    const word = list[e]!;
    const a = word >>> 6;
    let rj = word & 63;
    let i = list[e + 1]!;
    while (i < SEGMENT_BYTES) {
      seg[i]! &= CLEAR_MASK[rj]!;
      i += a * STEP[rj]! + CARRY[rj]!;
      rj = (rj & 56) | ((rj + 1) & 7);
    }
    list[e] = (a << 6) | rj;
    list[e + 1] = i - SEGMENT_BYTES;
  }
}

/** Cursor over primeBits: the next sieving prime to start using, in increasing order. */
let cursorByte = 0;
let cursorBits = 0;

function nextSievingPrime(): number {
  while (cursorBits === 0) {
    cursorByte++;
    if (cursorByte >= primeBits.length) return Infinity;
    cursorBits = primeBits[cursorByte]!;
  }
  const k = 31 - Math.clz32(cursorBits & -cursorBits);
  cursorBits &= cursorBits - 1;
  return 30 * cursorByte + WHEEL[k]!;
}

/**
 * Starts using prime p: finds its first multiple p*m >= max(p*p, 30*rangeStartByte) with m
 * coprime to 30 and files it as a direct prime or into a bucket. Requires that multiple to lie
 * in the current segment or within the bucket ring ahead of it.
 */
function activate(
  p: number,
  rangeStartByte: number,
  rangeEndByte: number,
  segmentIndex: number,
  segmentStartByte: number,
): void {
  const a = (p / 30) | 0;
  const r = p - 30 * a;
  // m = 30 * mHigh + mLow. With rangeStartByte = q*p + rem, ceil(30*rangeStartByte / p) is
  // 30*q + ceil(30*rem / p): only float operations on values below 2^49, no fmod.
  let mHigh: number;
  let mLow: number;
  if (p * p >= 30 * rangeStartByte) {
    mHigh = a;
    mLow = r;
  } else {
    let q = Math.floor(rangeStartByte / p);
    let rem = rangeStartByte - q * p;
    if (rem < 0) {
      q--;
      rem += p;
    } else if (rem >= p) {
      q++;
      rem -= p;
    }
    mHigh = q;
    mLow = Math.ceil((30 * rem) / p);
    mLow += GAP_TO_COPRIME[mLow % 30]!;
    if (mLow >= 30) {
      mHigh++;
      mLow -= 30;
    }
  }
  const j = BIT_OF_RESIDUE[mLow]!;
  // byte(p*m) = p*mHigh + a*WHEEL[j] + floor(r*WHEEL[j]/30), exact though p*m may exceed 2^53.
  const byte = p * mHigh + a * WHEEL[j]! + Math.floor((r * WHEEL[j]!) / 30);
  const rj = 8 * BIT_OF_RESIDUE[r]! + j;
  const offset = byte - segmentStartByte;
  if (p < BIG_LIMIT) {
    if (directCount === directPrimes.length) growDirect();
    directPrimes[directCount] = p;
    directOffsets[directCount] = offset;
    directPositions[directCount] = rj;
    directCount++;
    if (p < SMALL_LIMIT) smallCount = directCount;
  } else if (p < SPARSE_LIMIT) {
    if (2 * sparseCount === sparse.length) {
      const grown = new Int32Array(sparse.length * 2);
      grown.set(sparse);
      sparse = grown;
    }
    sparse[2 * sparseCount] = (a << 6) | rj;
    sparse[2 * sparseCount + 1] = offset;
    sparseCount++;
  } else if (segmentStartByte + offset < rangeEndByte) {
    // (A big prime whose first multiple lies past the range never hits it: not filed.)
    pushBucket(segmentIndex + Math.floor(offset / SEGMENT_BYTES), (a << 6) | rj, offset % SEGMENT_BYTES);
  }
}

function growDirect(): void {
  const grow = (old: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
    const grown = new Int32Array(old.length * 2);
    grown.set(old);
    return grown;
  };
  directPrimes = grow(directPrimes);
  directOffsets = grow(directOffsets);
  directPositions = grow(directPositions);
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Count of set bits in segment[0, length), with the bytes up to the next word boundary zeroed. */
function countSurvivors(length: number): number {
  const words = (length + 3) >>> 2;
  for (let i = length; i < words * 4; i++) segment[i] = 0;
  let count = 0;
  for (let w = 0; w < words; w++) count += popcount32(segmentWords[w]!);
  return count;
}

/** Keeps only the bits of a wheel byte whose numbers lie in [lo, hi]. */
function rangeMask(byte: number, lo: number, hi: number): number {
  let mask = 0;
  for (let k = 0; k < 8; k++) {
    const n = 30 * byte + WHEEL[k]!;
    if (n >= lo && n <= hi) mask |= 1 << k;
  }
  return mask;
}

export function checkRange(lo: number, hi: number): void {
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || hi < lo) {
    throw new RangeError(`countPrimes needs integers 0 <= lo <= hi <= 2^53-1, got [${lo}, ${hi}]`);
  }
}

/** Number of primes p with lo <= p <= hi (pure JS). */
export function countPrimesJs(lo: number, hi: number): number {
  checkRange(lo, hi);
  let count = 0;
  for (const p of PRIMES_BELOW_23) if (p >= lo && p <= hi) count++;
  const root = isqrt(hi);
  ensureSievingPrimes(root);

  const startByte = floorDiv(lo, 30);
  const endByte = floorDiv(hi, 30) + 1;
  directCount = 0;
  smallCount = 0;
  sparseCount = 0;
  resetBuckets();
  cursorByte = 0;
  cursorBits = primeBits[0]! & ~0x3f; // skip 1, 7, 11, 13, 17, 19 (pattern-sieved or not prime)
  let pending = nextSievingPrime();

  for (let s = 0, segStart = startByte; segStart < endByte; s++, segStart += SEGMENT_BYTES) {
    const length = Math.min(SEGMENT_BYTES, endByte - segStart);
    const patternAt = segStart % PRESIEVE_PERIOD;
    segment.set(presievePattern.subarray(patternAt, patternAt + length));
    if (segStart === 0) segment[0]! &= 0xfe; // 1 is not prime

    // Primes whose square lies below this segment's end start crossing off here.
    const segEndNumber = 30 * (segStart + length);
    while (pending <= root && pending * pending < segEndNumber) {
      activate(pending, startByte, endByte, s, segStart);
      pending = nextSievingPrime();
    }

    for (let chunk = 0; chunk < length; chunk += L1_CHUNK_BYTES) {
      crossOffDirect(0, smallCount, Math.min(chunk + L1_CHUNK_BYTES, length));
    }
    crossOffDirect(smallCount, directCount, length);
    crossOffSparse();
    crossOffBuckets(s);
    for (let n = 0; n < directCount; n++) directOffsets[n]! -= SEGMENT_BYTES;

    segment[0]! &= rangeMask(segStart, lo, hi);
    segment[length - 1]! &= rangeMask(segStart + length - 1, lo, hi);
    count += countSurvivors(length);
  }
  return count;
}

export { isqrt };
