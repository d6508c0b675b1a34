/**
 * What a volunteer thread runs: a unit descriptor in, a unit result out, through the Wasm
 * kernel. Keep one kernel per thread (loadCombinatorialKernel): consecutive units of one job
 * reuse its tables.
 */
import type { CombinatorialKernel } from './wasm-kernel.js';
import { unitDescriptorSchema, type UnitDescriptor, type UnitResult } from './units.js';

const I64_MIN = -(1n << 63n);

function decimal(value: bigint): string {
  if (value < I64_MIN || value >= 1n << 63n) throw new RangeError(`kernel value ${value} is not a signed 64-bit integer`);
  return value.toString();
}

function safeNumber(value: bigint): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`kernel count ${value} is not a safe integer`);
  return Number(value);
}

/** Checks the bounds a descriptor's schema cannot (they depend on x and y). */
function checkDescriptor(unit: UnitDescriptor): { x: bigint; y: bigint; lo: bigint; hi: bigint } {
  const x = BigInt(unit.x);
  const y = BigInt(unit.y);
  const lo = BigInt(unit.lo);
  const hi = BigInt(unit.hi);
  if (x < 1n || x >= 1n << 63n) throw new RangeError('x must be in [1, 2^63)');
  if (y < 1n || y > x || y > 1n << 26n) throw new RangeError('y must be in [1, min(x, 2^26)]');
  if (lo > hi) throw new RangeError('lo must not exceed hi');
  if (unit.part === 'hard' && ((lo & 1n) !== 0n || (hi & 1n) !== 0n || hi > x / y + 2n)) {
    throw new RangeError('hard bounds must be even and within [0, x / y + 2]');
  }
  // The kernel's hard sieve starts from the pattern of 2 .. 13 (every plan with hard pieces
  // has y >= 13, so c = 6).
  if (unit.part === 'hard' && unit.c !== 6) throw new RangeError('hard pieces need c = 6');
  if (unit.part === 'p2' && (lo <= y || hi > x / (y + 1n) + 1n)) throw new RangeError('p2 bounds must be within [y + 1, x / (y + 1) + 1]');
  return { x, y, lo, hi };
}

export function computeUnit(kernel: CombinatorialKernel, descriptor: unknown): UnitResult {
  const unit = unitDescriptorSchema.parse(descriptor);
  const { x, y, lo, hi } = checkDescriptor(unit);
  kernel.setup(x, y, unit.c);
  switch (unit.part) {
    case 'ordinary': {
      const { sum, piY } = kernel.ordinary();
      return { part: 'ordinary', index: unit.index, sum: decimal(sum), piY: safeNumber(piY) };
    }
    case 'easy':
      return { part: 'easy', index: unit.index, sum: decimal(kernel.easy(lo, hi)) };
    case 'hard': {
      const piece = kernel.hard(lo, hi);
      const countDeltas = piece.counts.map((c, i) => (i === 0 ? c : piece.counts[i - 1]! - c));
      return { part: 'hard', index: unit.index, partial: decimal(piece.partial), countDeltas, mu: piece.mu };
    }
    case 'p2': {
      const piece = kernel.p2(lo, hi);
      return {
        part: 'p2',
        index: unit.index,
        primes: safeNumber(piece.primes),
        points: safeNumber(piece.points),
        local: decimal(piece.local),
      };
    }
  }
}
