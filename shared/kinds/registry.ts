/** Every kind of job the coordinator runs, by name; the domain looks kinds up here only. */
import type { AnyJobKind } from './job-kind.js';
import { RANGE_KINDS } from './index.js';
import { COMBINATORIAL, combinatorialKind } from './combinatorial/job-kind.js';
import { SIEVE_COUNT, sieveCountKind } from './sieve-count/index.js';
import { PRIME_COUNT_COMBINATORIAL, primeCountCombinatorialKind } from './prime-count-combinatorial/index.js';

const kinds = new Map<string, AnyJobKind>([
  [SIEVE_COUNT, sieveCountKind as unknown as AnyJobKind],
  ...Object.entries(RANGE_KINDS).map(([name, kind]) => [name, kind as unknown as AnyJobKind] as const),
  [COMBINATORIAL, combinatorialKind as unknown as AnyJobKind],
  [PRIME_COUNT_COMBINATORIAL, primeCountCombinatorialKind as unknown as AnyJobKind],
]);

/** Names of the kinds this coordinator runs. */
export const KIND_NAMES: readonly string[] = [...kinds.keys()];

/** The kinds a volunteer computes when its hello does not say (volunteers from before kinds). */
export const DEFAULT_VOLUNTEER_KINDS: readonly string[] = [SIEVE_COUNT];

/**
 * The kinds a volunteer computes, given the kinds it declares: those, and every kind computed
 * as one of them (its units are leased as that kind); a kind computed as one it did not declare is not.
 */
export function kindsComputedBy(declared: readonly string[]): Set<string> {
  const computes = new Set(declared);
  for (const [name, kind] of kinds) {
    if (kind.computedAs === undefined) continue;
    if (computes.has(kind.computedAs)) computes.add(name);
    else computes.delete(name);
  }
  return computes;
}

export function kindNamed(name: string): AnyJobKind {
  const kind = kinds.get(name);
  if (!kind) throw new RangeError(`unknown job kind ${JSON.stringify(name)}`);
  return kind;
}
