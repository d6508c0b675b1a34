/**
 * Folds summaries of adjacent ranges of positions, arriving in any order, into a JSON
 * accumulator: a list of disjoint segments in ascending order, each the joined summary of the
 * positions it covers. A summary joins its neighbours as soon as they touch, so a chunk whose
 * units arrived in order is one segment, and memory is bounded by the units in flight, not by
 * the range. `join` must be associative: join(join(a, b), c) = join(a, join(b, c)) for
 * adjacent a, b, c; the result is then the same whatever the order of arrival.
 */
import type { JsonValue } from './job-kind.js';
import type { Range } from '../split.js';

export type Segment<Summary extends JsonValue> = {
  lo: number;
  hi: number;
  summary: Summary;
};

export type Join<Summary> = (left: Summary, right: Summary) => Summary;

/** The segments with `summary` of `unit` added; RangeError if the unit overlaps one of them. */
export function addSegment<Summary extends JsonValue>(
  segments: readonly Segment<Summary>[],
  unit: Range,
  summary: Summary,
  join: Join<Summary>,
): Segment<Summary>[] {
  if (unit.hi < unit.lo) throw new RangeError(`empty unit [${unit.lo}, ${unit.hi}]`);
  // Segments before the unit end below it; segments after start above it.
  const at = segments.findIndex((segment) => segment.hi >= unit.lo);
  const before = at === -1 ? segments.length : at;
  const next = segments[before];
  if (next !== undefined && next.lo <= unit.hi) {
    throw new RangeError(`unit [${unit.lo}, ${unit.hi}] overlaps [${next.lo}, ${next.hi}], already taken`);
  }
  let merged: Segment<Summary> = { lo: unit.lo, hi: unit.hi, summary };
  let start = before;
  let end = before;
  const previous = segments[before - 1];
  if (previous !== undefined && previous.hi + 1 === unit.lo) {
    merged = { lo: previous.lo, hi: merged.hi, summary: join(previous.summary, merged.summary) };
    start--;
  }
  if (next !== undefined && next.lo === unit.hi + 1) {
    merged = { lo: merged.lo, hi: next.hi, summary: join(merged.summary, next.summary) };
    end++;
  }
  return [...segments.slice(0, start), merged, ...segments.slice(end)];
}

/** The joined summary of segments that tile `whole` exactly; RangeError otherwise. */
export function joinSegments<Summary extends JsonValue>(
  segments: readonly Segment<Summary>[],
  whole: Range,
  join: Join<Summary>,
): Summary {
  let joined: Summary | undefined;
  let next = whole.lo;
  for (const segment of segments) {
    if (segment.lo !== next) throw new RangeError(`[${whole.lo}, ${whole.hi}] is covered only up to ${next - 1}`);
    joined = joined === undefined ? segment.summary : join(joined, segment.summary);
    next = segment.hi + 1;
  }
  if (joined === undefined || next !== whole.hi + 1) throw new RangeError(`[${whole.lo}, ${whole.hi}] is covered only up to ${next - 1}`);
  return joined;
}
