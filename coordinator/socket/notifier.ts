/**
 * Turns domain events into Socket.IO messages. Job updates are coalesced per job and sent
 * at most every `flushMs`, so a swarm finishing hundreds of units a second does not flood
 * the pages watching. Range maps (which list every unit in flight, so they grow with the
 * swarm) are coalesced the same way but sent at most every `mapFlushMs`: with thousands of
 * volunteers heartbeating progress, every job's map changes on every flush.
 */
import type { Logger } from 'pino';
import { viewJob } from '../jobs/job-view.js';
import { rangeMap } from '../jobs/range-map.js';
import type { Domain, DomainEvents } from '../model.js';
import type { RateMeter } from '../swarm-stats.js';
import { HUNGRY_ROOM, jobRoom, volunteerRoom, type CoordinatorIo } from './gateway.js';

export class SocketNotifier implements DomainEvents {
  private io: CoordinatorIo | undefined;
  private domain: Domain | undefined;
  private readonly dirtyJobs = new Set<string>();
  private readonly dirtyMaps = new Set<string>();
  private workPending: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private mapTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rate: RateMeter,
    private readonly onUnitAccepted: (numbers: number) => void,
    private readonly flushMs: number,
    private readonly logger: Logger,
    private readonly mapFlushMs = flushMs,
  ) {}

  bind(io: CoordinatorIo, domain: Domain): void {
    this.io = io;
    this.domain = domain;
  }

  jobChanged(jobId: string): void {
    this.dirtyJobs.add(jobId);
    this.dirtyMaps.add(jobId);
    this.schedule();
  }

  /**
   * Idle threads wait for this, so it goes out on the next turn of the event loop (bursts
   * in one turn coalesce) rather than with the throttled job updates; only to volunteers
   * whose last request went short, so it does not grow with the swarm.
   */
  workAvailable(): void {
    this.workPending ??= setImmediate(() => {
      this.workPending = undefined;
      this.io?.to(HUNGRY_ROOM).emit('work:available');
    });
  }

  leasesRevoked(volunteerId: string, leaseIds: string[], reason: string): void {
    this.logger.debug({ volunteerId, leases: leaseIds.length, reason }, 'leases revoked');
    this.io?.to(volunteerRoom(volunteerId)).emit('lease:revoked', { leaseIds, reason });
  }

  unitAccepted(_jobId: string, numbers: number): void {
    this.rate.add(numbers);
    this.onUnitAccepted(numbers);
  }

  /** Sends the job updates pending now. */
  flush(): void {
    this.timer = undefined;
    const io = this.io;
    const domain = this.domain;
    if (!io || !domain) return;
    for (const jobId of this.dirtyJobs) {
      const room = jobRoom(jobId);
      if (!io.sockets.adapter.rooms.has(room)) continue;
      const job = domain.jobs.get(jobId);
      if (job) io.to(room).emit('job:update', viewJob(domain, job));
    }
    this.dirtyJobs.clear();
  }

  /** Sends the range maps pending now. */
  flushMaps(): void {
    this.mapTimer = undefined;
    const io = this.io;
    const domain = this.domain;
    if (!io || !domain) return;
    for (const jobId of this.dirtyMaps) {
      const room = jobRoom(jobId);
      if (!io.sockets.adapter.rooms.has(room)) continue;
      const map = rangeMap(domain, jobId);
      if (map) io.to(room).emit('job:map', map);
    }
    this.dirtyMaps.clear();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.mapTimer) clearTimeout(this.mapTimer);
    if (this.workPending) clearImmediate(this.workPending);
    this.timer = undefined;
    this.mapTimer = undefined;
    this.workPending = undefined;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
    this.mapTimer ??= setTimeout(() => this.flushMaps(), this.mapFlushMs);
  }
}
