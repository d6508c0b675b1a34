/**
 * Turns domain events into Socket.IO messages. Job updates are coalesced per job and sent
 * at most every `flushMs`, always with the job's latest state, so a swarm finishing
 * thousands of units a second does not flood the pages watching (nor spend a view and a
 * range map per unit); a job's final state goes out at once. Like REST answers, an update
 * is sent only after the store committed what it shows.
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
  private workPending: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rate: RateMeter,
    private readonly onUnitAccepted: (numbers: number) => void,
    private readonly flushMs: number,
    private readonly logger: Logger,
  ) {}

  bind(io: CoordinatorIo, domain: Domain): void {
    this.io = io;
    this.domain = domain;
  }

  jobChanged(jobId: string): void {
    const state = this.domain?.jobs.get(jobId)?.state;
    if (state !== undefined && TERMINAL_STATES.has(state)) {
      this.dirtyJobs.delete(jobId);
      this.sendWhenDurable([jobId]);
      return;
    }
    this.dirtyJobs.add(jobId);
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
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
    this.sendWhenDurable(jobIds);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.workPending) clearImmediate(this.workPending);
    this.timer = undefined;
    this.workPending = undefined;
  }

  private sendWhenDurable(jobIds: string[]): void {
    const domain = this.domain;
    if (!domain) return;
    domain.store.flushed().then(
      () => {
        for (const jobId of jobIds) this.send(domain, jobId);
      },
      (error: unknown) => this.logger.error({ err: error, jobIds }, 'store write failed; job updates not sent'),
    );
  }

  /** The job's view and range map, to the pages watching it (none built when nobody watches). */
  private send(domain: Domain, jobId: string): void {
    const io = this.io;
    const room = jobRoom(jobId);
    if (!io?.sockets.adapter.rooms.has(room)) return;
    const job = domain.jobs.get(jobId);
    const map = rangeMap(domain, jobId);
    if (job) io.to(room).emit('job:update', viewJob(domain, job));
    if (map) io.to(room).emit('job:map', map);
  }
}
