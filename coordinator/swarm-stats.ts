import type { SwarmStats } from '../shared/protocol.js';
import type { Domain } from './model.js';
import { isActive } from './scheduler.js';

const WINDOW_MS = 5_000;

/** Numbers sieved per second over a sliding window of accepted units. */
export class RateMeter {
  private samples: { at: number; numbers: number }[] = [];
  constructor(private readonly now: () => number) {}

  add(numbers: number): void {
    this.samples.push({ at: this.now(), numbers });
    this.trim();
  }

  perSecond(): number {
    this.trim();
    const total = this.samples.reduce((sum, sample) => sum + sample.numbers, 0);
    return total / (WINDOW_MS / 1000);
  }

  private trim(): void {
    const oldest = this.now() - WINDOW_MS;
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop]!.at < oldest) drop++;
    if (drop > 0) this.samples = this.samples.slice(drop);
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
