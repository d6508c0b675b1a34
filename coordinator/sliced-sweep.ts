/**
 * Walks a live collection a slice per call, resuming where the previous call stopped, so a
 * periodic check of every lease or open unit never holds the event loop for the whole
 * collection at once (20,000 leases and as many open units took about 30 ms in one tick,
 * which every /health request and ack arriving meanwhile waited out). Map and Set iterators
 * stay valid while entries are added or deleted: deleted entries not yet reached are skipped,
 * added ones are reached in the same pass.
 */
export class SlicedSweep<T> {
  private pass: Iterator<T> | undefined;

  constructor(private readonly startPass: () => Iterator<T>) {}

  /** The next `limit` items at most; when a pass ends, the rest of it, and the next call begins a new pass. */
  take(limit: number): T[] {
    this.pass ??= this.startPass();
    const items: T[] = [];
    while (items.length < limit) {
      const step = this.pass.next();
      if (step.done === true) {
        this.pass = undefined;
        break;
      }
      items.push(step.value);
    }
    return items;
  }
}

/**
 * How much of a collection of `size` one slice takes so that `slices` slices cover it: a
 * small collection is covered whole by every slice.
 */
export function sliceSize(size: number, slices: number, least = 500): number {
  return Math.max(least, Math.ceil(size / slices));
}
