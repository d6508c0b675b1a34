/**
 * The Socket.IO edge: parses every inbound payload with the protocol schemas, calls the
 * domain, and answers through the acknowledgement. A bad payload gets an error ack and is
 * otherwise ignored; nothing a client sends can throw out of a handler.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { z } from 'zod';
import { SIEVE_COUNT } from '../../shared/kinds/sieve-count/index.js';
import {
  HeartbeatSchema,
  HelloSchema,
  LeaseFailureSchema,
  LeaseIdsSchema,
  LeaseRequestSchema,
  LeaseResultSchema,
  ProtocolErrorCode,
  WatchJobSchema,
  type ClientToServerEvents,
  type ProtocolError,
  type ServerToClientEvents,
} from '../../shared/protocol.js';
import { viewJob } from '../jobs/job-view.js';
import { rangeMap } from '../jobs/range-map.js';
import { grantLeases, hasRoomForLeases } from '../leases/grant-leases.js';
import { releaseLeases } from '../leases/release-lease.js';
import { renewLeases } from '../leases/renew-leases.js';
import { reportFailure } from '../leases/report-failure.js';
import { reportResult } from '../leases/report-result.js';
import { registerVolunteer, removeVolunteer } from '../leases/volunteers.js';
import type { Domain } from '../model.js';
import { admitConnection, identifyParty, refusesWork, releaseConnection } from '../trust/parties.js';
import { guardConnection, type ConnectionGuardOptions } from './connection-guard.js';
import type { LoadShedder } from './load-shedder.js';
import { TokenBucket } from './token-bucket.js';

/** What the gateway knows of a connection from its handshake (trust: who it comes from). */
export interface ConnectionData {
  address: string;
  network: string;
}

export type CoordinatorIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ConnectionData>;

export interface GatewayOptions {
  maxVolunteers: number;
  heartbeatMs: number;
  /** Messages a socket may send per second on average, and in a burst. */
  messagesPerSecond: number;
  messageBurst: number;
  /** Hello timeout, backlog bound and drop reporting (connection-guard.ts). */
  guard: ConnectionGuardOptions;
  /** Sheds lease requests while the event loop is behind. */
  shedder: LoadShedder;
  logger: Logger;
}

/** Refusals that end the connection once delivered: nothing else will be served to it. */
const FINAL_REFUSALS = new Set<ProtocolError['code']>([ProtocolErrorCode.Full, ProtocolErrorCode.Quarantined, ProtocolErrorCode.BadToken]);

export const jobRoom = (jobId: string) => `job:${jobId}`;
export const SWARM_ROOM = 'swarm';
export const VOLUNTEERS_ROOM = 'volunteers';
/**
 * Volunteers whose last lease request got fewer units than it asked for, for lack of work
 * rather than their cap: the only ones told when work appears (the others ask again when a
 * thread frees up anyway).
 */
export const HUNGRY_ROOM = 'hungry';
export const volunteerRoom = (volunteerId: string) => `volunteer:${volunteerId}`;

/**
 * A refusal, thrown from a handler to its answer, or returned by it where refusals are
 * frequent (shed and rate-limited lease requests: hundreds a second under load, and a throw
 * costs about 3 µs where a return costs nothing). Not an Error: it is control flow, and
 * capturing a stack trace for each was a visible share of the coordinator's time.
 */
class Refusal {
  constructor(readonly protocolError: ProtocolError) {}
}

const refusal = (code: ProtocolError['code'], message: string, retryAfterMs?: number): Refusal =>
  new Refusal({ code, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

function refuse(code: ProtocolError['code'], message: string): never {
  throw refusal(code, message);
}

const TOO_MANY_REQUESTS = refusal(ProtocolErrorCode.Throttled, 'too many requests; slow down');

/** A refusal for good, of the message or of the units a result asked for with it (`next`). */
function refusedForGood(response: { ok: boolean; error?: ProtocolError; next?: { ok: boolean; error?: ProtocolError } }): boolean {
  const error = response.ok ? response.next?.error : response.error;
  return error !== undefined && FINAL_REFUSALS.has(error.code);
}

function parse<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    refuse(ProtocolErrorCode.BadRequest, `invalid payload: ${where}${issue?.message ?? 'rejected'}`);
  }
  return parsed.data;
}

export function attachGateway(io: CoordinatorIo, d: Domain, options: GatewayOptions): void {
  // Trust: the client's address and network are fixed at connection time; each network may
  // hold MAX_CONNECTIONS_PER_NETWORK connections.
  io.use((socket, next) => {
    const { address, network, admitted } = admitConnection(d, socket.handshake.address, socket.handshake.headers['x-forwarded-for']);
    if (!admitted) {
      next(new Error(`too many connections from network ${network}`));
      return;
    }
    socket.data = { address, network };
    socket.once('disconnect', () => releaseConnection(d, network));
    next();
  });

  io.on('connection', (socket) => {
    const { address } = socket.data;
    const bucket = new TokenBucket(options.messagesPerSecond, options.messageBurst, d.now);
    const guard = guardConnection(socket, options.guard);
    let volunteerId: string | undefined;
    let hungry = false;
    const setHungry = (now: boolean) => {
      if (now === hungry) return;
      hungry = now;
      if (now) void socket.join(HUNGRY_ROOM);
      else void socket.leave(HUNGRY_ROOM);
    };

    const requireVolunteer = (): string => volunteerId ?? refuse(ProtocolErrorCode.NotHello, 'say volunteer:hello first');

    /** What a handler's error tells the client; one that is not a refusal is a bug, logged. */
    function refusalOf(error: unknown, event: string): ProtocolError {
      if (error instanceof Refusal) return error.protocolError;
      options.logger.error({ err: error, event }, 'socket handler failed');
      return { code: ProtocolErrorCode.BadRequest, message: 'request could not be handled' };
    }

    /**
     * Runs a handler and answers its ack with `{ok: true, ...}`, or `{ok: false, error}` when
     * it threw or returned a refusal.
     * Requests that create work for the coordinator (hello, lease requests, watching) are
     * rate-limited per socket; results, failures, heartbeats and releases never are, so a
     * fast volunteer never loses a computed count to the limiter. A `durable` answer waits
     * until the store has committed what the handler wrote (the store batches its writes).
     */
    function answer<T extends object>(event: string, ack: unknown, run: () => T | Refusal, limited = false, durable = false): void {
      let response: ({ ok: true } & T) | { ok: false; error: ProtocolError };
      try {
        const result = limited && !bucket.take() ? TOO_MANY_REQUESTS : run();
        response = result instanceof Refusal ? { ok: false, error: result.protocolError } : { ok: true, ...result };
      } catch (error) {
        response = { ok: false, error: refusalOf(error, event) };
      }
      const send = (final: typeof response) => {
        if (typeof ack === 'function') ack(final);
        if (refusedForGood(final)) guard.refused();
      };
      if (!durable || !response.ok) {
        send(response);
        return;
      }
      d.store.flushed().then(
        () => send(response),
        (error: unknown) => {
          options.logger.error({ err: error, event }, 'store write failed');
          send({ ok: false, error: { code: ProtocolErrorCode.BadRequest, message: 'the result could not be stored' } });
        },
      );
    }

    socket.on('volunteer:hello', (payload, ack) =>
      answer('volunteer:hello', ack, () => {
        const hello = parse(HelloSchema, payload);
        if (volunteerId === undefined) {
          if (options.maxVolunteers > 0 && d.volunteers.size >= options.maxVolunteers) {
            refuse(ProtocolErrorCode.Full, `the coordinator accepts at most ${options.maxVolunteers} volunteers`);
          }
          const party =
            identifyParty(d, address, hello.token) ??
            refuse(ProtocolErrorCode.BadToken, "the token is not this coordinator's WORKER_TOKEN");
          volunteerId = randomUUID();
          registerVolunteer(d, volunteerId, hello, party);
          void socket.join([volunteerRoom(volunteerId), VOLUNTEERS_ROOM]);
          guard.greeted();
          options.logger.info(
            { volunteerId, kind: hello.kind, threads: hello.threads, network: party.network, trusted: party.trusted },
            'volunteer joined',
          );
        } else {
          const volunteer = d.volunteers.get(volunteerId);
          if (volunteer) volunteer.threads = hello.threads;
        }
        return { volunteerId, heartbeatMs: options.heartbeatMs };
      }, true),
    );

    /** Leases for a request of `slots` (lease:request, or `next` with a result), or the refusal. */
    const requestLeases = (slots: number) => {
      const id = requireVolunteer();
      const volunteer = d.volunteers.get(id);
      if (volunteer && refusesWork(d, volunteer)) {
        return refusal(ProtocolErrorCode.Quarantined, 'this volunteer or its network reported wrong counts and gets no work');
      }
      const retryAfterMs = options.shedder.retryAfterMs(d.volunteers.size, slots);
      if (retryAfterMs !== undefined) {
        // It asks again after the delay; work:available would only bring it back sooner.
        setHungry(false);
        return refusal(ProtocolErrorCode.Throttled, 'the coordinator is busy; ask again later', retryAfterMs);
      }
      // Sieve-count leases keep the shape volunteers from before kinds parse strictly.
      const granted = grantLeases(d, id, slots);
      setHungry(granted.length < slots && hasRoomForLeases(d, id));
      const leases = granted.map(({ id: leaseId, jobId, lo, hi, deadline, kind, unit }) =>
        kind === SIEVE_COUNT ? { leaseId, jobId, lo, hi, deadline } : { leaseId, jobId, lo, hi, deadline, kind, unit },
      );
      return { leases };
    };

    socket.on('lease:request', (payload, ack) =>
      answer('lease:request', ack, () => requestLeases(parse(LeaseRequestSchema, payload).slots), true),
    );

    socket.on('lease:result', (payload, ack) =>
      answer('lease:result', ack, () => {
        const { leaseId, count, result, next, more } = parse(LeaseResultSchema, payload);
        const id = requireVolunteer();
        const outcome = reportResult(d, id, leaseId, count ?? result);
        if (outcome === 'malformed') refuse(ProtocolErrorCode.BadRequest, "the result does not fit the unit's kind");
        const accepted = outcome !== 'ignored';
        // Recorded one by one, each as if it came alone; one store commit answers them all.
        const moreAccepted = more?.map((report) => {
          const each = reportResult(d, id, report.leaseId, report.count ?? report.result);
          return each === 'accepted' || each === 'recorded';
        });
        const answered = moreAccepted === undefined ? { accepted } : { accepted, moreAccepted };
        if (next === undefined) return answered;
        // Answered as the lease:request it stands for (rate-limited as one), after the result:
        // the reported lease no longer counts against the volunteer's cap.
        try {
          const granted = bucket.take() ? requestLeases(next.slots) : TOO_MANY_REQUESTS;
          return {
            ...answered,
            next: granted instanceof Refusal ? { ok: false as const, error: granted.protocolError } : { ok: true as const, ...granted },
          };
        } catch (error) {
          return { ...answered, next: { ok: false as const, error: refusalOf(error, 'lease:result') } };
        }
      }, false, true),
    );

    socket.on('lease:fail', (payload, ack) =>
      answer('lease:fail', ack, () => {
        const { leaseId, error } = parse(LeaseFailureSchema, payload);
        const id = requireVolunteer();
        if (reportFailure(d, id, leaseId, error)) options.logger.warn({ volunteerId: id, error }, 'unit failed');
        return {};
      }),
    );

    socket.on('lease:heartbeat', (payload, ack) =>
      answer('lease:heartbeat', ack, () => {
        const { leaseIds, progress } = parse(HeartbeatSchema, payload);
        return { deadlines: renewLeases(d, requireVolunteer(), leaseIds, progress) };
      }),
    );

    socket.on('lease:release', (payload, ack) =>
      answer('lease:release', ack, () => {
        const { leaseIds } = parse(LeaseIdsSchema, payload);
        releaseLeases(d, requireVolunteer(), leaseIds);
        return {};
      }),
    );

    socket.on('job:watch', (payload, ack) =>
      answer('job:watch', ack, () => {
        const { jobId } = parse(WatchJobSchema, payload);
        const job = d.jobs.get(jobId) ?? refuse(ProtocolErrorCode.UnknownJob, `no job ${jobId}`);
        void socket.join(jobRoom(jobId));
        guard.greeted();
        // The snapshot goes to this watcher only (the ack carries the view): a watch must
        // never make the coordinator send to the whole room.
        const map = rangeMap(d, jobId);
        if (map) socket.emit('job:map', map);
        return { job: viewJob(d, job) };
      }, true),
    );

    socket.on('job:unwatch', (payload, ack) =>
      answer('job:unwatch', ack, () => {
        const { jobId } = parse(WatchJobSchema, payload);
        void socket.leave(jobRoom(jobId));
        return {};
      }),
    );

    socket.on('swarm:watch', (_payload, ack) =>
      answer('swarm:watch', ack, () => {
        void socket.join(SWARM_ROOM);
        guard.greeted();
        return {};
      }, true),
    );

    socket.on('disconnect', () => {
      if (volunteerId === undefined) return;
      removeVolunteer(d, volunteerId);
      options.logger.info({ volunteerId }, 'volunteer left');
    });
  });
}
