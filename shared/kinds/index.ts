/** The kinds of range job, by name. */
import { maxGap } from './max-gap/index.js';
import { primeCount } from './prime-count/index.js';
import { twinCount } from './twin-count/index.js';

export type { Combiner, Kind, RangeParams, U64Range } from './kind.js';

export const RANGE_KINDS = {
  'prime-count': primeCount,
  'twin-count': twinCount,
  'max-gap': maxGap,
} as const;

export { maxGap, primeCount, twinCount };
