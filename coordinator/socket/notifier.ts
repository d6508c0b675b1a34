/**
 * Turns domain events into Socket.IO messages. Job updates are coalesced per job and sent
 * at most every `flushMs`, always with the job's latest state, so a swarm finishing
 * thousands of units a second does not flood the pages watching (nor spend a view and a
 * range map per unit); a job's final state goes out at once. Range maps (which list every
 * unit in flight, so they grow with the swarm) are coalesced the same way but sent at most
 * every `mapFlushMs`: with thousands of volunteers heartbeating progress, every job's map
 * changes on every flush. Like REST answers, an update is sent only after the store
 * committed what it shows.
 */
import type { Logger } from 'pino';
import { TERMINAL_STATES } from '../../shared/api.js';
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
    const state = this.domain?.jobs.get(jobId)?.state;
    if (state !== undefined && TERMINAL_STATES.has(state)) {
      this.dirtyJobs.delete(jobId);
      this.dirtyMaps.delete(jobId);
      this.sendWhenDurable([jobId], { view: true, map: true });
      return;
    }
    this.dirtyJobs.add(jobId);
    this.dirtyMaps.add(jobId);
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
    this.mapTimer ??= setTimeout(() => this.flushMaps(), this.mapFlushMs);
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
    if (this.dirtyJobs.size === 0) return;
    const jobIds = [...this.dirtyJobs];
    this.dirtyJobs.clear();
    this.sendWhenDurable(jobIds, { view: true, map: false });
  }

  /** Sends the range maps pending now. */
  flushMaps(): void {
    this.mapTimer = undefined;
    if (this.dirtyMaps.size === 0) return;
    const jobIds = [...this.dirtyMaps];
    this.dirtyMaps.clear();
    this.sendWhenDurable(jobIds, { view: false, map: true });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.mapTimer) clearTimeout(this.mapTimer);
    if (this.workPending) clearImmediate(this.workPending);
    this.timer = undefined;
    this.mapTimer = undefined;
    this.workPending = undefined;
  }

  private sendWhenDurable(jobIds: string[], what: { view: boolean; map: boolean }): void {
    const domain = this.domain;
    if (!domain) return;
    domain.store.flushed().then(
      () => {
        for (const jobId of jobIds) this.send(domain, jobId, what);
      },
      (error: unknown) => this.logger.error({ err: error, jobIds }, 'store write failed; job updates not sent'),
    );
  }

  /** The job's view and/or range map, to the pages watching it (none built when nobody watches). */
  private send(domain: Domain, jobId: string, what: { view: boolean; map: boolean }): void {
    const io = this.io;
    const room = jobRoom(jobId);
    if (!io?.sockets.adapter.rooms.has(room)) return;
    const job = what.view ? domain.jobs.get(jobId) : undefined;
    const map = what.map ? rangeMap(domain, jobId) : undefined;
    if (job) io.to(room).emit('job:update', viewJob(domain, job));
    if (map) io.to(room).emit('job:map', map);
  }
}
