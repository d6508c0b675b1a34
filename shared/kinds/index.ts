/** The range kinds, by name: jobs over a range [from, to] of 0..2^64 - 1 (range-kind.ts). */
import { MAX_GAP, maxGapKind } from './max-gap/index.js';
import { PRIME_COUNT, primeCountKind } from './prime-count/index.js';
import { TWIN_COUNT, twinCountKind } from './twin-count/index.js';

export const RANGE_KINDS = {
  [PRIME_COUNT]: primeCountKind,
  [TWIN_COUNT]: twinCountKind,
  [MAX_GAP]: maxGapKind,
} as const;

export { MAX_GAP, PRIME_COUNT, TWIN_COUNT, maxGapKind, primeCountKind, twinCountKind };
