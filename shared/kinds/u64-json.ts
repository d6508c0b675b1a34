/**
 * 64-bit integers in JSON: a number when it is a safe integer (<= 2^53 - 1), a decimal string
 * above. One value has exactly one JSON form, so two results agree exactly when their parsed
 * values are equal.
 */
import { z } from 'zod';
import { U64_MAX } from '../sieve/range.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export const U64JsonSchema = z.union([
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  z.string().refine((text) => /^[1-9][0-9]{15,19}$/.test(text) && BigInt(text) > MAX_SAFE && BigInt(text) <= U64_MAX, {
    message: 'a decimal string only above 2^53 - 1 (send smaller values as numbers), at most 2^64 - 1',
  }),
]);
export type U64Json = z.infer<typeof U64JsonSchema>;

export function toU64Json(value: bigint): U64Json {
  if (value < 0n || value > U64_MAX) throw new RangeError(`${value} is outside 0..2^64-1`);
  return value <= MAX_SAFE ? Number(value) : value.toString();
}

export function fromU64Json(value: U64Json): bigint {
  return BigInt(value);
}

export function toU64JsonOrNull(value: bigint | null): U64Json | null {
  return value === null ? null : toU64Json(value);
}

export function fromU64JsonOrNull(value: U64Json | null): bigint | null {
  return value === null ? null : BigInt(value);
}
