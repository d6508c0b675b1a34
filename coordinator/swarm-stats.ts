import type { SwarmStats } from '../shared/protocol.js';
import type { Domain, VolunteerState } from './model.js';
import { isActive } from './scheduler.js';
import { refusesWork } from './trust/parties.js';

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
 * Whether a volunteer offers its threads now: it holds a unit (a busy volunteer asks again
 * only when a unit ends, so with units of tens of seconds the request window alone would miss
 * most of a busy swarm), or it asked for work recently (an idle one polls).
 */
function offersThreads(d: Domain, volunteer: VolunteerState): boolean {
  return volunteer.leases.size > 0 ? !refusesWork(d, volunteer) : isActive(d, volunteer);
}

/**
 * The swarm's numbers, counted over every volunteer. Threads are those of volunteers taking
 * work now, each volunteer's claim capped (a hello may claim 256 threads; it is credited with
 * MAX_THREADS_PER_VOLUNTEER at most).
 */
export function swarmStats(d: Domain, rate: RateMeter): SwarmStats {
  let threads = 0;
  let browsers = 0;
  for (const volunteer of d.volunteers.values()) {
    if (offersThreads(d, volunteer)) threads += d.limits.threads(volunteer);
    if (volunteer.kind === 'browser') browsers++;
  }
  return {
    volunteers: d.volunteers.size,
    threads,
    browsers,
    nodes: d.volunteers.size - browsers,
    rate: rate.perSecond(),
    leasesInFlight: d.leases.size,
    activeJobs: d.active.size,
    at: d.now(),
  };
}

/** How long one count of the volunteers serves /health, /metrics and the swarm panel. */
export const SWARM_SNAPSHOT_MS = 1000;

/**
 * The swarm's numbers, counted over the volunteers at most once per SWARM_SNAPSHOT_MS
 * however many pages, probes and scrapers ask (a count is one pass over 10,000 volunteers);
 * counted again at once when a volunteer joined or left, so the volunteer count is never stale.
 * Leases in flight, active jobs and the rate are read fresh on every call (they are O(1)).
 */
export class SwarmSnapshot {
  private counted: { at: number; volunteers: number; stats: SwarmStats } | undefined;

  constructor(
    private readonly d: Domain,
    private readonly rate: RateMeter,
  ) {}

  current(): SwarmStats {
    const now = this.d.now();
    const counted = this.counted;
    if (counted && now - counted.at < SWARM_SNAPSHOT_MS && counted.volunteers === this.d.volunteers.size) {
      return { ...counted.stats, rate: this.rate.perSecond(), leasesInFlight: this.d.leases.size, activeJobs: this.d.active.size, at: now };
    }
    const stats = swarmStats(this.d, this.rate);
    this.counted = { at: now, volunteers: this.d.volunteers.size, stats };
    return stats;
  }
}
