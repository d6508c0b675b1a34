/**
 * What travels: a unit descriptor (what to compute) and a unit result (what came back), both
 * plain JSON with 64-bit values as decimal strings, validated by the zod schemas below.
 *
 * A unit is one piece of one part of pi(x) = ordinary + easy + hard - P2 (see wasm/kernel.ts):
 *   ordinary  S1 + S2_trivial + pi(y) - 1, always exactly one unit (cheap: O(y));
 *   easy      the easy special leaves of the primes p in (lo, hi];
 *   hard      the hard special leaves with values in [lo, hi), lo and hi even;
 *   p2        P2's prime counts over [lo, hi), a piece of [y + 1, x / (y + 1)].
 * `index` numbers the units of a part in ascending order of their bounds: hard and p2 results
 * combine by adjacency (combine.ts). Results are canonical: the kernel's numbers are the same
 * whoever computes them, keys come in one order, so equal results have equal JSON.
 */
import { z } from 'zod';

export const UNIT_PARTS = ['ordinary', 'easy', 'hard', 'p2'] as const;
export type UnitPart = (typeof UNIT_PARTS)[number];

const unsignedDecimal = z.string().regex(/^(0|[1-9][0-9]{0,19})$/, 'an unsigned decimal integer');
const signedDecimal = z.string().regex(/^(0|-?[1-9][0-9]{0,19})$/, 'a decimal integer');
const index = z.number().int().min(0).max(1_000_000);
/** pi(sqrt(z)) bounds the per-b vectors: pi(2^32) = 203,280,221 is far above any real plan. */
const vectorEntry = z.number().int().safe();
const MAX_VECTOR = 4_000_000;

export const unitDescriptorSchema = z.object({
  x: unsignedDecimal,
  y: unsignedDecimal,
  c: z.number().int().min(0).max(6),
  part: z.enum(UNIT_PARTS),
  index,
  lo: unsignedDecimal,
  hi: unsignedDecimal,
});
export type UnitDescriptor = z.infer<typeof unitDescriptorSchema>;

export const ordinaryResultSchema = z.object({
  part: z.literal('ordinary'),
  index,
  /** S1 + S2_trivial + pi(y) - 1 (modulo 2^64, as a signed 64-bit value). */
  sum: signedDecimal,
  /** pi(y). */
  piY: z.number().int().min(0).safe(),
});
export const easyResultSchema = z.object({
  part: z.literal('easy'),
  index,
  sum: signedDecimal,
});
export const hardResultSchema = z.object({
  part: z.literal('hard'),
  index,
  /** The piece's leaves with phi counted from 0 at lo. */
  partial: signedDecimal,
  /** Unsieved numbers of [lo, hi) after removing p_1 .. p_{b-1}, for b = c + 1, c + 2, ...;
   * the first value, then the (non-negative) decreases from one b to the next. */
  countDeltas: z.array(vectorEntry.min(0)).max(MAX_VECTOR),
  /** Sum of -mu(m) over the piece's leaves of b = c + 1, c + 2, ...; no trailing zeros. */
  mu: z.array(vectorEntry).max(MAX_VECTOR),
});
export const p2ResultSchema = z.object({
  part: z.literal('p2'),
  index,
  /** Primes in [lo, hi). */
  primes: z.number().int().min(0).safe(),
  /** Primes p in (y, sqrt(x)] with x / p in [lo, hi). */
  points: z.number().int().min(0).safe(),
  /** Sum over those p of the primes in [lo, x / p]. */
  local: signedDecimal,
});

export const unitResultSchema = z.discriminatedUnion('part', [
  ordinaryResultSchema,
  easyResultSchema,
  hardResultSchema,
  p2ResultSchema,
]);
export type UnitResult = z.infer<typeof unitResultSchema>;
export type HardResult = z.infer<typeof hardResultSchema>;
export type P2Result = z.infer<typeof p2ResultSchema>;

/** Key order of each result kind: results built elsewhere (parsed JSON) compare equal by it. */
const KEY_ORDER: Record<UnitPart, readonly string[]> = {
  ordinary: ['part', 'index', 'sum', 'piY'],
  easy: ['part', 'index', 'sum'],
  hard: ['part', 'index', 'partial', 'countDeltas', 'mu'],
  p2: ['part', 'index', 'primes', 'points', 'local'],
};

/** The canonical JSON text of a result: two replicas agree exactly when their texts are equal. */
export function canonicalResult(result: UnitResult): string {
  const record = result as unknown as Record<string, unknown>;
  return JSON.stringify(KEY_ORDER[result.part].map((key) => [key, record[key]]));
}

export function sameResult(a: UnitResult, b: UnitResult): boolean {
  return canonicalResult(a) === canonicalResult(b);
}

/** A stable identity of a unit inside its plan (part and index). */
export function unitKey(unit: { part: UnitPart; index: number }): string {
  return `${unit.part}:${unit.index}`;
}
