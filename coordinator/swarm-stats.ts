import type { SwarmStats } from '../shared/protocol.js';
import type { Domain } from './model.js';
import { isActive } from './scheduler.js';

const WINDOW_MS = 5_000;
const BUCKET_MS = 100;
const BUCKETS = WINDOW_MS / BUCKET_MS;

/**
 * Numbers sieved per second over a sliding window of accepted units. Counts go into a ring of
 * 100 ms buckets, so recording a unit is O(1) however many arrive per second (the rate is read
 * once a second; it is added to on every accepted unit).
 */
export class RateMeter {
  private readonly numbers = new Float64Array(BUCKETS);
  /** The 100 ms tick each bucket holds, so a stale bucket is recognised and not counted. */
  private readonly ticks = new Float64Array(BUCKETS).fill(Number.NEGATIVE_INFINITY);
  constructor(private readonly now: () => number) {}

  add(numbers: number): void {
    const tick = Math.floor(this.now() / BUCKET_MS);
    const slot = tick % BUCKETS;
    if (this.ticks[slot] !== tick) {
      this.ticks[slot] = tick;
      this.numbers[slot] = 0;
    }
    this.numbers[slot]! += numbers;
  }

  perSecond(): number {
    const newest = Math.floor(this.now() / BUCKET_MS);
    let total = 0;
    for (let slot = 0; slot < BUCKETS; slot++) if (newest - this.ticks[slot]! < BUCKETS) total += this.numbers[slot]!;
    return total / (WINDOW_MS / 1000);
  }
}

/**
 * Threads the swarm really offers: those of volunteers taking work now, each volunteer's claim
 * capped (a hello may claim 256 threads; it is credited with MAX_THREADS_PER_VOLUNTEER at most).
 */
export function countedThreads(d: Domain): number {
  let threads = 0;
  for (const volunteer of d.volunteers.values()) if (isActive(d, volunteer)) threads += d.limits.threads(volunteer);
  return threads;
}

export function swarmStats(d: Domain, rate: RateMeter): SwarmStats {
  const threads = countedThreads(d);
  let browsers = 0;
  let nodes = 0;
  for (const volunteer of d.volunteers.values()) {
    if (volunteer.kind === 'browser') browsers++;
    else nodes++;
  }
  return {
    volunteers: d.volunteers.size,
    threads,
    browsers,
    nodes,
    rate: rate.perSecond(),
    leasesInFlight: d.leases.size,
    activeJobs: d.active.size,
    at: d.now(),
  };
}
