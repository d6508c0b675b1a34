/**
 * The sieve-count kind: pi(n) by sieving 1..n in contiguous chunks. Positions are the numbers
 * themselves, a unit is a range [lo, hi] of them, its result the count of primes in it.
 */
import { z } from 'zod';
import { splitIntoChunks } from '../../split.js';
import type { JobKind } from '../job-kind.js';
import { sieveNumbersForSeconds, sieveUnitSeconds } from '../sieve-cost.js';

export const SIEVE_COUNT = 'sieve-count';

const safe = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const sieveCountParamsSchema = z.strictObject({ n: safe.min(1) });
export type SieveCountParams = z.infer<typeof sieveCountParamsSchema>;

export const sieveCountDescriptorSchema = z.strictObject({ lo: safe, hi: safe }).refine((unit) => unit.lo <= unit.hi, 'lo must not exceed hi');
export type SieveCountDescriptor = z.infer<typeof sieveCountDescriptorSchema>;

/** The primes p with lo <= p <= hi. */
export const sieveCountResultSchema = safe;

export const sieveCountKind: JobKind<SieveCountParams, SieveCountDescriptor, number, number, number> = {
  name: SIEVE_COUNT,
  params: sieveCountParamsSchema,
  descriptor: sieveCountDescriptorSchema,
  result: sieveCountResultSchema,
  chunkRanges: (params, chunks) => splitIntoChunks(params.n, chunks),
  unitPositions: (_params, unitSize) => unitSize,
  cost: (_params, unit) => sieveUnitSeconds(unit.lo, unit.hi),
  positionsForCost: (params, lo, seconds) => sieveNumbersForSeconds(lo, seconds, params.n - lo + 1),
  describe: (_params, unit) => ({ lo: unit.lo, hi: unit.hi }),
  emptyAccumulator: () => 0,
  accumulate: (sum, count) => sum + count,
  answer: (_params, sums) => sums.reduce((total, sum) => total + sum, 0),
  viewParams: (params) => ({ method: 'sieve', n: params.n }),
  viewAnswer: (primeCount) => ({ prime_count: primeCount }),
};
