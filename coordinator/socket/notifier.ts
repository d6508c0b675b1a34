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

/**
 * Hungry volunteers told of new work per turn of the event loop. When work runs out the
 * whole swarm is hungry: telling 10,000 volunteers in one turn held the loop for half a
 * second (a write per socket) and brought all their requests back at once.
 */
export const WAKE_BATCH = 250;

export class SocketNotifier implements DomainEvents {
  private io: CoordinatorIo | undefined;
  private domain: Domain | undefined;
  private readonly dirtyJobs = new Set<string>();
  private readonly dirtyMaps = new Set<string>();
  private workPending: NodeJS.Immediate | undefined;
  /** The socket ids of the wake pass under way, and how many of them were told. */
  private toWake: string[] = [];
  private woken = 0;
  /** Work appeared during the pass: another pass follows, for those still hungry. */
  private wakeAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private mapTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rate: RateMeter,
    private readonly onUnitAccepted: (numbers: number) => void,
    private readonly flushMs: number,
    private readonly logger: Logger,
    private readonly mapFlushMs = flushMs,
    private readonly wakeBatch = WAKE_BATCH,
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
   * Idle threads wait for this, so it goes out from the next turn of the event loop (bursts
   * in one turn coalesce) rather than with the throttled job updates; only to volunteers
   * whose last request went short, at most `wakeBatch` of them per turn, so no turn grows
   * with the swarm. Work that appears during a pass brings one more pass after it.
   */
  workAvailable(): void {
    if (this.workPending || this.woken < this.toWake.length) {
      this.wakeAgain = true;
      return;
    }
    this.workPending = setImmediate(() => this.wakeSome());
  }

  private wakeSome(): void {
    this.workPending = undefined;
    const io = this.io;
    if (!io) return;
    const hungry = io.sockets.adapter.rooms.get(HUNGRY_ROOM);
    if (this.woken >= this.toWake.length) {
      this.toWake = hungry ? [...hungry] : [];
      this.woken = 0;
      this.wakeAgain = false;
    }
    const end = Math.min(this.woken + this.wakeBatch, this.toWake.length);
    for (; this.woken < end; this.woken++) {
      const socketId = this.toWake[this.woken]!;
      // One that asked again meanwhile and was served is no longer hungry.
      if (hungry?.has(socketId)) io.sockets.sockets.get(socketId)?.emit('work:available');
    }
    if (this.woken < this.toWake.length || this.wakeAgain) this.workPending = setImmediate(() => this.wakeSome());
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
    this.toWake = [];
    this.woken = 0;
    this.wakeAgain = false;
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
