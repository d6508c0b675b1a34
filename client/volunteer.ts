/**
 * The lease loop every volunteer runs, browser tab or headless worker: say hello, ask for
 * units for the free threads and one more to keep in hand (so a thread that finishes starts
 * its next unit without a round trip; more when units take milliseconds), compute them in the
 * pool, report (several short units per message), heartbeat long work with its progress,
 * give leases back on pause or stop, and start over after a reconnect. It takes the socket
 * and the compute pool as parameters so both sides share it.
 */
import type { Socket } from 'socket.io-client';
import { COMPUTABLE_KINDS } from '../shared/kinds/computable.js';
import type { JsonValue } from '../shared/kinds/job-kind.js';
import { SIEVE_COUNT } from '../shared/kinds/sieve-count/index.js';
import {
  HeartbeatAckSchema,
  HelloAckSchema,
  LeaseRequestAckSchema,
  LeasesRevokedSchema,
  ResultAckSchema,
  SimpleAckSchema,
  type ClientToServerWire,
  type Lease,
  MAX_RESULTS_PER_MESSAGE,
  type LeaseReport,
  type ProtocolError,
  type ServerToClientWire,
  type VolunteerKind,
} from '../shared/protocol.js';

export type VolunteerSocket = Socket<ServerToClientWire, ClientToServerWire>;

/** Threads that compute units of the kinds in shared/kinds/kernels.ts; the browser uses Web Workers, Node worker_threads. */
export interface ComputePool {
  /**
   * Rejects with an AbortError when `signal` aborts; the thread stops computing. Queues when
   * every thread is busy. `onProgress` gets the fraction done when the kind's kernel reports it.
   */
  compute(kind: string, unit: JsonValue, signal?: AbortSignal, onProgress?: (fraction: number) => void): Promise<JsonValue>;
  /** Changes the number of threads; work already running finishes. */
  resize(threads: number): void;
  close(): Promise<void>;
}

export type VolunteerStatus = 'connecting' | 'working' | 'idle' | 'pausing' | 'paused' | 'quarantined' | 'stopped';

export interface VolunteerStats {
  status: VolunteerStatus;
  volunteerId: string | undefined;
  threads: number;
  unitsCompleted: number;
  numbersSieved: number;
  /** Leases held right now. */
  leases: Lease[];
}

export interface UnitDone {
  lease: Lease;
  result: JsonValue;
  elapsedMs: number;
  accepted: boolean;
}

export interface VolunteerOptions {
  socket: VolunteerSocket;
  pool: ComputePool;
  kind: VolunteerKind;
  threads: number;
  name?: string;
  /** The operator's WORKER_TOKEN: the coordinator then trusts this volunteer's results alone. */
  token?: string;
  /** How long to wait before asking again when the coordinator had no work. */
  idlePollMs?: number;
  /** How long to wait before connecting again after the coordinator refused us as full. */
  fullRetryMs?: number;
  ackTimeoutMs?: number;
  onChange?: (stats: VolunteerStats) => void;
  onUnitDone?: (unit: UnitDone) => void;
  onError?: (message: string, error?: unknown) => void;
  /** The coordinator refused the hello (a wrong token, or full); the volunteer waits for a reconnect. */
  onRefused?: (error: ProtocolError) => void;
}

// A fallback only: the coordinator pushes work:available when work appears.
const DEFAULT_IDLE_POLL_MS = 5000;
const DEFAULT_ACK_TIMEOUT_MS = 10_000;
/** Units held beyond one per thread, queued in the pool: the coordinator counts them against its lease cap. */
export const PREFETCH_UNITS = 1;
/**
 * Units quicker than this report in batches: their results wait, at most RESULT_BATCH_WAIT_MS,
 * to go out together in one message (`more`), and more of them are kept in hand (up to
 * MAX_PREFETCH_UNITS, about RESULT_BATCH_WAIT_MS of work) so one message carries several. A
 * message costs the coordinator about as much as recording a unit; for units of milliseconds
 * one message each would make it the bottleneck. Longer units report the moment they are done.
 */
const BATCH_UNIT_MS = 50;
const RESULT_BATCH_WAIT_MS = 200;
/** The coordinator caps what it hands out the same way (lease-limits.ts, maxPrefetchLeases). */
const MAX_PREFETCH_UNITS = 16;
/** New unit times weigh this much in the running average. */
const UNIT_TIME_SMOOTHING = 0.3;
/** The coordinator limits lease requests per socket; a refused one is retried soon. */
const THROTTLED_RETRY_MS = 250;
/** A coordinator at its volunteer limit closes the connection after saying so; try again this much later. */
const DEFAULT_FULL_RETRY_MS = 15_000;

/** A computed unit whose result has not gone out yet. */
interface PendingResult {
  lease: Lease;
  report: LeaseReport;
  result: JsonValue;
}

export class Volunteer {
  private readonly socket: VolunteerSocket;
  private readonly pool: ComputePool;
  private threads: number;
  private volunteerId: string | undefined;
  private heartbeatMs = 20_000;
  private paused = false;
  /** Pauses still giving back units or sending results: the tab is not settled until they end. */
  private settling = 0;
  private stopped = false;
  private quarantined = false;
  private requesting = false;
  /** Set when a reason to ask again (work:available, a freed thread) came during a request. */
  private askAgain = false;
  /** Computations started and not finished, including ones whose lease was taken back. */
  private computing = 0;
  /** Results sent and not yet acknowledged. */
  private reporting = 0;
  private readonly held = new Map<string, Lease>();
  /** How far each held lease's computation has got (fraction), for the heartbeat. */
  private readonly progress = new Map<string, number>();
  /** Cleared when the coordinator refuses results that ask for units (one from before `next`). */
  private combineRequests = true;
  /** Cleared when the coordinator refuses results that carry others (one from before `more`). */
  private batchResults = true;
  /** Computed units whose results wait to go out together (short units only). */
  private readonly pendingResults: PendingResult[] = [];
  private resultTimer: ReturnType<typeof setTimeout> | undefined;
  /** How long a unit takes on one thread, averaged; undefined until one is done. */
  private unitMs: number | undefined;
  /** Cleared when the coordinator refuses heartbeats with progress (one from before progress). */
  private sendProgress = true;
  /**
   * Set once this connection's coordinator acknowledged a heartbeat: later ones go without an
   * acknowledgement (nothing in it is needed; a lease it could not renew is revoked by
   * message), which spares the coordinator one write per heartbeat.
   */
  private heartbeatAccepted = false;
  /** Aborts the computation of each lease still being computed. */
  private readonly computations = new Map<string, AbortController>();
  private unitsCompleted = 0;
  private numbersSieved = 0;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** The coordinator refused our hello because it was full. */
  private refusedFull = false;
  private readonly idlePollMs: number;
  private readonly ackTimeoutMs: number;

  constructor(private readonly options: VolunteerOptions) {
    this.socket = options.socket;
    this.pool = options.pool;
    this.threads = options.threads;
    this.idlePollMs = options.idlePollMs ?? DEFAULT_IDLE_POLL_MS;
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.socket.on('connect', this.onConnect);
    this.socket.on('disconnect', this.onDisconnect);
    this.socket.on('work:available', this.onWorkAvailable);
    this.socket.on('lease:revoked', this.onRevoked);
    if (this.socket.connected) void this.onConnect();
  }

  get stats(): VolunteerStats {
    return {
      status: this.status(),
      volunteerId: this.volunteerId,
      threads: this.threads,
      unitsCompleted: this.unitsCompleted,
      numbersSieved: this.numbersSieved,
      leases: [...this.held.values()],
    };
  }

  /** Stops asking for work and gives back every lease at once (the units go to others). */
  async pause(): Promise<void> {
    if (this.paused || this.stopped) return;
    this.paused = true;
    this.settling++;
    this.changed();
    await this.settle();
    this.settling--;
    this.changed();
  }

  resume(): void {
    if (!this.paused || this.stopped) return;
    this.paused = false;
    this.changed();
    void this.fill();
  }

  setThreads(threads: number): void {
    if (threads === this.threads) return;
    this.threads = threads;
    this.pool.resize(threads);
    if (this.volunteerId !== undefined && this.socket.connected) void this.hello();
    this.changed();
    void this.fill();
  }

  /** Graceful stop: no new work, leases given back, socket closed, threads ended. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimers();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.settle();
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('work:available', this.onWorkAvailable);
    this.socket.off('lease:revoked', this.onRevoked);
    this.socket.disconnect();
    await this.pool.close();
    this.changed();
  }

  private status(): VolunteerStatus {
    if (this.stopped) return 'stopped';
    if (this.quarantined) return 'quarantined';
    // Paused means settled: a result sent just before the pause may still be counted.
    if (this.paused) return this.reporting > 0 || this.settling > 0 ? 'pausing' : 'paused';
    if (this.volunteerId === undefined || !this.socket.connected) return 'connecting';
    return this.held.size > 0 ? 'working' : 'idle';
  }

  private readonly onConnect = async () => {
    this.volunteerId = undefined;
    // Perhaps another coordinator (restarted, upgraded): its heartbeats are checked again.
    this.heartbeatAccepted = false;
    if (await this.hello()) void this.fill();
  };

  private readonly onDisconnect = (reason?: string) => {
    // Socket.IO does not retry a close the server chose; one for being full is retried later
    // (decided then: the refusal and the close may arrive in either order).
    if (reason === 'io server disconnect' && !this.stopped) {
      this.reconnectTimer ??= setTimeout(() => {
        this.reconnectTimer = undefined;
        if (this.refusedFull && !this.stopped) this.socket.connect();
      }, this.options.fullRetryMs ?? DEFAULT_FULL_RETRY_MS);
    }
    // The coordinator returns a disconnected volunteer's leases itself; results computed
    // for them now would be ignored, so they are forgotten and their computations stopped.
    this.abandon([...this.held.keys()]);
    this.pendingResults.length = 0;
    if (this.resultTimer) clearTimeout(this.resultTimer);
    this.resultTimer = undefined;
    this.volunteerId = undefined;
    this.clearTimers();
    this.changed();
  };

  private readonly onWorkAvailable = () => {
    void this.fill();
  };

  private readonly onRevoked = (payload: unknown) => {
    const parsed = LeasesRevokedSchema.safeParse(payload);
    if (!parsed.success) return;
    this.abandon(parsed.data.leaseIds);
    this.changed();
    void this.fill();
  };

  private async hello(): Promise<boolean> {
    const response = await this.call('volunteer:hello', {
      kind: this.options.kind,
      threads: this.threads,
      kinds: [...COMPUTABLE_KINDS],
      ...(this.options.name === undefined ? {} : { name: this.options.name }),
      ...(this.options.token === undefined ? {} : { token: this.options.token }),
    });
    if (response === undefined) return false;
    const ack = HelloAckSchema.safeParse(response);
    this.refusedFull = ack.success && !ack.data.ok && ack.data.error.code === 'full';
    if (!ack.success || !ack.data.ok) {
      this.report('hello refused', ack.success && !ack.data.ok ? ack.data.error.message : response);
      if (ack.success && !ack.data.ok) this.options.onRefused?.(ack.data.error);
      return false;
    }
    this.volunteerId = ack.data.volunteerId;
    this.heartbeatMs = ack.data.heartbeatMs;
    this.startHeartbeat();
    this.changed();
    return true;
  }

  /**
   * Units to ask for now: one per free thread and those kept in hand, less those it holds
   * (results waiting to go out still hold their leases at the coordinator).
   */
  private wanted(): number {
    if (this.paused || this.stopped || this.quarantined) return 0;
    if (this.volunteerId === undefined || !this.socket.connected) return 0;
    return this.threads + this.prefetch() - Math.max(this.computing, this.held.size) - this.pendingResults.length;
  }

  /** Units kept in hand beyond one per thread: one, or about RESULT_BATCH_WAIT_MS of work when units are short. */
  private prefetch(): number {
    if (!this.batchResults || this.unitMs === undefined || this.unitMs >= BATCH_UNIT_MS) return PREFETCH_UNITS;
    const batch = Math.ceil((this.threads * RESULT_BATCH_WAIT_MS) / Math.max(1, this.unitMs));
    return Math.min(MAX_PREFETCH_UNITS, Math.max(PREFETCH_UNITS, batch));
  }

  /** Asks for units for the free threads and the one kept in hand, and starts them (the pool queues what it cannot run yet). */
  private async fill(): Promise<void> {
    if (this.requesting) {
      // The answer in flight may predate the news: ask again once it is in.
      this.askAgain = true;
      return;
    }
    const slots = this.wanted();
    if (slots <= 0) return;
    this.requesting = true;
    this.askAgain = false;
    await this.granted(await this.call('lease:request', { slots }), slots);
  }

  /**
   * Takes the answer to a request for `slots` units (a lease:request's ack, or the `next` of
   * a result's), starts what came, and decides when to ask again.
   */
  private async granted(response: unknown, slots: number): Promise<void> {
    let granted = 0;
    let throttled: number | undefined;
    try {
      const ack = LeaseRequestAckSchema.safeParse(response);
      if (!ack.success) {
        this.reportBadAnswer('lease:request', response);
      } else if (!ack.data.ok) {
        if (ack.data.error.code === 'quarantined') this.quarantined = true;
        else if (ack.data.error.code === 'throttled') throttled = ack.data.error.retryAfterMs ?? THROTTLED_RETRY_MS;
        else this.report(`lease request refused: ${ack.data.error.message}`);
      } else if (this.paused || this.stopped) {
        await this.release(ack.data.leases.map((lease) => lease.leaseId));
      } else {
        granted = ack.data.leases.length;
        for (const lease of ack.data.leases) this.run(lease);
      }
    } finally {
      this.requesting = false;
    }
    this.changed();
    if (throttled !== undefined) this.schedulePoll(throttled);
    else if (granted === slots || this.askAgain) void this.fill();
    else this.schedulePoll(this.idlePollMs);
  }

  private run(lease: Lease): void {
    this.held.set(lease.leaseId, lease);
    this.computing++;
    const started = Date.now();
    const computation = new AbortController();
    this.computations.set(lease.leaseId, computation);
    // A lease without a kind is a sieve-count unit [lo, hi] (see LeaseSchema).
    const kind = lease.kind ?? SIEVE_COUNT;
    const unit = lease.kind === undefined ? { lo: lease.lo, hi: lease.hi } : (lease.unit ?? null);
    const onProgress = (fraction: number) => {
      if (this.held.has(lease.leaseId)) this.progress.set(lease.leaseId, fraction);
    };
    this.pool.compute(kind, unit, computation.signal, onProgress).then(
      async (result) => {
        this.computing--;
        this.computations.delete(lease.leaseId);
        this.progress.delete(lease.leaseId);
        if (!this.held.delete(lease.leaseId) || !this.socket.connected) return void this.fill();
        const elapsedMs = Date.now() - started;
        this.unitMs = this.unitMs === undefined ? elapsedMs : this.unitMs + UNIT_TIME_SMOOTHING * (elapsedMs - this.unitMs);
        const counted = kind === SIEVE_COUNT && typeof result === 'number' ? { count: result } : { result };
        this.pendingResults.push({ lease, report: { leaseId: lease.leaseId, ...counted, elapsedMs }, result });
        await this.reportWhenDue(elapsedMs);
      },
      async (error: unknown) => {
        this.computing--;
        this.computations.delete(lease.leaseId);
        this.progress.delete(lease.leaseId);
        if (computation.signal.aborted) return void this.fill();
        this.report(`computing [${lease.lo}, ${lease.hi}] failed`, error);
        if (this.held.delete(lease.leaseId) && this.socket.connected) {
          await this.call('lease:fail', { leaseId: lease.leaseId, error: String(error).slice(0, 1000) });
        }
        this.changed();
        void this.fill();
      },
    );
  }

  /**
   * Sends the results waiting now, or lets them wait for others: a short unit's result waits
   * until about half the units in hand are done (so the threads still have work while the
   * answer comes back with more), or at most RESULT_BATCH_WAIT_MS.
   */
  private async reportWhenDue(elapsedMs: number): Promise<void> {
    const due =
      !this.batchResults ||
      elapsedMs >= BATCH_UNIT_MS ||
      this.pendingResults.length > MAX_RESULTS_PER_MESSAGE ||
      this.pendingResults.length >= Math.ceil(this.prefetch() / 2) ||
      (this.held.size <= this.threads && !this.requesting);
    if (due) return this.flushResults();
    this.resultTimer ??= setTimeout(() => {
      this.resultTimer = undefined;
      void this.flushResults();
    }, RESULT_BATCH_WAIT_MS);
  }

  /** Sends every result waiting, as many per message as the coordinator takes. */
  private async flushResults(): Promise<void> {
    if (this.resultTimer) clearTimeout(this.resultTimer);
    this.resultTimer = undefined;
    const sends: Promise<void>[] = [];
    while (this.pendingResults.length > 0) {
      const batch = this.pendingResults.splice(0, this.batchResults ? 1 + MAX_RESULTS_PER_MESSAGE : 1);
      sends.push(this.sendResults(batch));
    }
    await Promise.all(sends);
  }

  /**
   * Reports computed units in one message, the first as the message's own result and the
   * others in `more`. The units to ask for next go in the same message (`next`) when no
   * request is in flight: one message and one answer instead of two, and the request is on
   * its way the moment the units are done. Meanwhile the threads compute what they hold.
   */
  private async sendResults(batch: PendingResult[]): Promise<void> {
    const [first, ...others] = batch;
    if (first === undefined) return;
    const slots = this.combineRequests && !this.requesting ? Math.max(0, this.wanted()) : 0;
    if (slots > 0) {
      this.requesting = true;
      this.askAgain = false;
    }
    this.reporting++;
    const payload = {
      ...first.report,
      ...(others.length > 0 ? { more: others.map((pending) => pending.report) } : {}),
      ...(slots > 0 ? { next: { slots } } : {}),
    };
    const sending = this.call('lease:result', payload);
    // Without `next`, a request sent behind the result still finds its lease reported.
    if (slots === 0) void this.fill();
    let response = await sending;
    let ack = ResultAckSchema.safeParse(response);
    const refused = ack.success && !ack.data.ok && ack.data.error.code === 'bad_request';
    if (refused && others.length > 0) {
      // A coordinator from before `more` refuses the field: one result per message from now on.
      this.batchResults = false;
      this.reporting--;
      if (slots > 0) this.requesting = false;
      await Promise.all(batch.map((pending) => this.sendResults([pending])));
      return;
    }
    if (refused && slots > 0) {
      // A coordinator from before `next` refuses the field: report alone from now on.
      response = await this.call('lease:result', first.report);
      ack = ResultAckSchema.safeParse(response);
      if (ack.success && ack.data.ok) this.combineRequests = false;
    }
    this.reporting--;
    const answer = ack.success && ack.data.ok ? ack.data : undefined;
    batch.forEach((pending, i) => this.reported(pending, i === 0 ? answer?.accepted === true : answer?.moreAccepted?.[i - 1] === true));
    const next = answer?.next;
    if (slots > 0 && next !== undefined) return this.granted(next, slots);
    if (slots > 0) this.requesting = false;
    this.changed();
    void this.fill();
  }

  private reported({ lease, report, result }: PendingResult, accepted: boolean): void {
    if (accepted) {
      this.unitsCompleted++;
      this.numbersSieved += lease.hi - lease.lo + 1;
    }
    this.options.onUnitDone?.({ lease, result, elapsedMs: report.elapsedMs ?? 0, accepted });
  }

  /**
   * Gives back the units not done and sends the results already computed (they still count).
   * The units are given up first: one finishing while the results were on their way would
   * otherwise be reported after the pause, not given back.
   */
  private async settle(): Promise<void> {
    const unfinished = [...this.held.keys()];
    this.abandon(unfinished);
    await Promise.all([this.flushResults(), this.release(unfinished)]);
  }

  /** Forgets leases and stops their computations, freeing the threads at once. */
  private abandon(leaseIds: string[]): void {
    for (const id of leaseIds) {
      this.held.delete(id);
      this.progress.delete(id);
      this.computations.get(id)?.abort();
      this.computations.delete(id);
    }
  }

  /** Gives leases back; sent even with none, as it also tells the coordinator not to wait for us. */
  private async release(leaseIds: string[]): Promise<void> {
    if (!this.socket.connected) return;
    const response = await this.call('lease:release', { leaseIds });
    if (!SimpleAckSchema.safeParse(response).success) this.reportBadAnswer('lease:release', response);
  }

  /**
   * One heartbeat per period, the first at a random point of the first period: volunteers
   * that connect together (a restarted coordinator gets its whole swarm back within seconds)
   * would otherwise renew in one burst every period for as long as they stay. A lease is
   * still renewed within a period of its grant.
   */
  private startHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const beat = () => {
      if (this.held.size === 0 || !this.socket.connected) return;
      void this.heartbeat();
    };
    this.heartbeatTimer = setTimeout(() => {
      beat();
      this.heartbeatTimer = setInterval(beat, this.heartbeatMs);
    }, Math.random() * this.heartbeatMs);
  }

  private async heartbeat(): Promise<void> {
    const leaseIds = [...this.held.keys()];
    const progress = this.sendProgress ? Object.fromEntries(leaseIds.flatMap((id) => (this.progress.has(id) ? [[id, this.progress.get(id)!]] : []))) : {};
    const withProgress = Object.keys(progress).length > 0;
    const payload = withProgress ? { leaseIds, progress } : { leaseIds };
    if (this.heartbeatAccepted) {
      this.socket.emit('lease:heartbeat', payload);
      return;
    }
    let response = await this.call('lease:heartbeat', payload);
    const ack = HeartbeatAckSchema.safeParse(response);
    if (withProgress && ack.success && !ack.data.ok && ack.data.error.code === 'bad_request') {
      // A coordinator from before progress refuses the field: renew without it from now on.
      this.sendProgress = false;
      response = await this.call('lease:heartbeat', { leaseIds });
    }
    const answer = HeartbeatAckSchema.safeParse(response);
    if (!answer.success) this.reportBadAnswer('lease:heartbeat', response);
    // Only a heartbeat with progress proves this coordinator takes progress too.
    else if (answer.data.ok && (withProgress || !this.sendProgress)) this.heartbeatAccepted = true;
  }

  private schedulePoll(delayMs: number): void {
    if (this.pollTimer || this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.fill();
    }, delayMs);
  }

  private clearTimers(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.heartbeatTimer = undefined;
    this.pollTimer = undefined;
  }

  /**
   * Emits with an acknowledgement; resolves undefined when none comes. That is reported here
   * only while still connected: a lost connection needs no report, as the coordinator takes
   * back every lease of that connection and the loop starts over on reconnect.
   */
  private async call<E extends keyof ClientToServerWire>(
    event: E,
    payload: Parameters<ClientToServerWire[E]>[0],
  ): Promise<unknown> {
    try {
      const emitter = this.socket.timeout(this.ackTimeoutMs) as unknown as {
        emitWithAck(event: string, payload: unknown): Promise<unknown>;
      };
      return await emitter.emitWithAck(event, payload);
    } catch (error) {
      if (this.socket.connected) this.report(`${event}: no answer`, error);
      return undefined;
    }
  }

  /** An answer that does not parse; no answer at all was already dealt with by call(). */
  private reportBadAnswer(event: keyof ClientToServerWire, response: unknown): void {
    if (response !== undefined) this.report(`${event}: bad answer`, response);
  }

  private report(message: string, detail?: unknown): void {
    this.options.onError?.(message, detail);
  }

  private changed(): void {
    this.options.onChange?.(this.stats);
  }
}
