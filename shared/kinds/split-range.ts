/** The seed's split rule applied to a range: [from, to] holds n = to - from + 1 numbers; each
 * chunk takes floor(n / chunks) of them and the last one the remainder too. */
import type { RangeParams, U64Range } from './kind.js';
import { U64_MAX } from '../sieve/range.js';

export function splitRange({ from, to, chunks }: RangeParams): U64Range[] {
  if (from < 0n || to < from || to > U64_MAX || !Number.isInteger(chunks) || chunks < 1) {
    throw new RangeError(`cannot split [${from}, ${to}] into ${chunks} chunks`);
  }
  const n = to - from + 1n;
  const parts = BigInt(chunks);
  if (n < parts) throw new RangeError(`[${from}, ${to}] has fewer than ${chunks} numbers`);
  const size = n / parts;
  const ranges: U64Range[] = [];
  for (let i = 0n; i < parts; i++) {
    const lo = from + i * size;
    ranges.push({ lo, hi: i === parts - 1n ? to : lo + size - 1n });
  }
  return ranges;
}
