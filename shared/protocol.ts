/**
 * The Socket.IO wire protocol, both directions, in one place.
 *
 * Every inbound payload is `unknown` until one of these schemas has parsed it: the
 * coordinator parses what volunteers and pages send, volunteers parse what the
 * coordinator sends. Every client->server event takes an acknowledgement callback.
 */
import { z } from 'zod';
import { JobViewSchema } from './api.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The largest socket message the coordinator reads (Socket.IO's maxHttpBufferSize; a larger
 * one closes the connection). The largest legitimate message is a combinatorial hard unit's
 * result, two per-b vectors of up to about pi(sqrt(z)) entries: 151 KB at x = 1e18 and 427 KB
 * at x = 2^63 - 1, the kernel's limit (measured).
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export const VOLUNTEER_KINDS = ['node', 'browser'] as const;
export type VolunteerKind = (typeof VOLUNTEER_KINDS)[number];

export const ProtocolErrorCode = {
  BadRequest: 'bad_request',
  NotHello: 'not_hello',
  UnknownJob: 'unknown_job',
  Quarantined: 'quarantined',
  Throttled: 'throttled',
  Full: 'full',
  BadToken: 'bad_token',
} as const;
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

const LeaseId = z.string().min(1).max(64);
const JobId = z.string().uuid();
const SafeCount = z.number().int().min(0).max(MAX_SAFE);

// ---- client -> server payloads -------------------------------------------------------

export const HelloSchema = z.strictObject({
  kind: z.enum(VOLUNTEER_KINDS),
  threads: z.number().int().min(1).max(256),
  name: z.string().max(100).optional(),
  /** The operator's WORKER_TOKEN: makes a headless worker trusted (its count is accepted alone). */
  token: z.string().min(1).max(200).optional(),
  /** The job kinds its threads compute; absent: sieve-count only (volunteers from before kinds). */
  kinds: z.array(z.string().min(1).max(40)).min(1).max(32).optional(),
});
export type Hello = z.infer<typeof HelloSchema>;

export const LeaseRequestSchema = z.strictObject({
  slots: z.number().int().min(1).max(256),
});
export type LeaseRequest = z.infer<typeof LeaseRequestSchema>;

/** Results one message may carry (`more`), beside its own. */
export const MAX_RESULTS_PER_MESSAGE = 64;

/**
 * A unit's result: `count` for sieve-count units (what volunteers from before kinds send),
 * `result` for the others; the coordinator parses it with the unit's kind's result schema.
 */
const reportFields = {
  leaseId: LeaseId,
  count: SafeCount.optional(),
  result: z.json().optional(),
  /** Wall time the computation took, for the swarm rate; optional and advisory. */
  elapsedMs: z.number().min(0).max(86_400_000).optional(),
};
const oneOfCountAndResult = (report: { count?: number | undefined; result?: unknown }) => (report.count === undefined) !== (report.result === undefined);
const ONE_OF_COUNT_AND_RESULT = 'send exactly one of count and result';

export const LeaseReportSchema = z.strictObject(reportFields).refine(oneOfCountAndResult, ONE_OF_COUNT_AND_RESULT);
export type LeaseReport = z.infer<typeof LeaseReportSchema>;

export const LeaseResultSchema = z.strictObject({
  ...reportFields,
  /**
   * Asks for more units in the same message, as a lease:request sent right after it would
   * (the results are recorded first, so their leases no longer count against the cap); the
   * ack's `next` answers it. Optional: coordinators from before it refuse the field as bad_request.
   */
  next: LeaseRequestSchema.optional(),
  /**
   * Further results in the same message, recorded in order after this one, and answered one
   * by one in the ack's `moreAccepted` (a malformed one is answered false and its lease stays).
   * For volunteers whose units take milliseconds: one message and one ack for a batch of
   * units, not for each. Optional: coordinators from before it refuse the field as bad_request.
   */
  more: z.array(LeaseReportSchema).min(1).max(MAX_RESULTS_PER_MESSAGE).optional(),
}).refine(oneOfCountAndResult, ONE_OF_COUNT_AND_RESULT);
export type LeaseResult = z.infer<typeof LeaseResultSchema>;

export const LeaseFailureSchema = z.strictObject({
  leaseId: LeaseId,
  error: z.string().max(1000),
});
export type LeaseFailure = z.infer<typeof LeaseFailureSchema>;

export const LeaseIdsSchema = z.strictObject({
  leaseIds: z.array(LeaseId).max(256),
});
export type LeaseIds = z.infer<typeof LeaseIdsSchema>;

/**
 * A heartbeat: the leases still being worked on, and optionally how far each one's
 * computation has got (a fraction 0..1 by lease id; volunteers from before progress send none).
 * Progress only moves the page's range map; it never counts toward a result.
 */
export const HeartbeatSchema = z.strictObject({
  leaseIds: z.array(LeaseId).max(256),
  progress: z
    .record(LeaseId, z.number().min(0).max(1))
    .refine((progress) => Object.keys(progress).length <= 256, 'at most 256 leases')
    .optional(),
});
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

export const WatchJobSchema = z.strictObject({ jobId: JobId });
export type WatchJob = z.infer<typeof WatchJobSchema>;

// ---- server -> client payloads -------------------------------------------------------

export const LeaseSchema = z.strictObject({
  leaseId: LeaseId,
  jobId: JobId,
  lo: z.number().int().min(0).max(MAX_SAFE),
  hi: z.number().int().min(0).max(MAX_SAFE),
  /** Epoch milliseconds after which the coordinator may reissue the unit. */
  deadline: z.number(),
  /**
   * The job kind and the unit's descriptor; absent for sieve-count units, whose descriptor is
   * [lo, hi] (what volunteers from before kinds understand). Otherwise lo and hi are the
   * unit's positions in its job, for progress only.
   */
  kind: z.string().min(1).max(40).optional(),
  unit: z.json().optional(),
});
export type Lease = z.infer<typeof LeaseSchema>;

export const ProtocolErrorSchema = z.strictObject({
  code: z.enum(Object.values(ProtocolErrorCode) as [ProtocolErrorCode, ...ProtocolErrorCode[]]),
  message: z.string(),
  /** With `throttled`: ask again after this long (the coordinator is shedding load). */
  retryAfterMs: z.number().int().min(0).max(600_000).optional(),
});
export type ProtocolError = z.infer<typeof ProtocolErrorSchema>;

const Failed = z.strictObject({ ok: z.literal(false), error: ProtocolErrorSchema });
const ok = <T extends z.ZodRawShape>(shape: T) => z.strictObject({ ok: z.literal(true), ...shape });

export const HelloAckSchema = z.union([
  ok({ volunteerId: z.string(), heartbeatMs: z.number().int().positive() }),
  Failed,
]);
export type HelloAck = z.infer<typeof HelloAckSchema>;

export const LeaseRequestAckSchema = z.union([ok({ leases: z.array(LeaseSchema) }), Failed]);
export type LeaseRequestAck = z.infer<typeof LeaseRequestAckSchema>;

/**
 * `next` only when the result asked for units: what a lease:request would have answered;
 * `moreAccepted` only when it carried `more`, one answer per result there, in order.
 */
export const ResultAckSchema = z.union([
  ok({ accepted: z.boolean(), moreAccepted: z.array(z.boolean()).optional(), next: LeaseRequestAckSchema.optional() }),
  Failed,
]);
export type ResultAck = z.infer<typeof ResultAckSchema>;

export const HeartbeatAckSchema = z.union([
  ok({ deadlines: z.record(z.string(), z.number()) }),
  Failed,
]);
export type HeartbeatAck = z.infer<typeof HeartbeatAckSchema>;

export const SimpleAckSchema = z.union([ok({}), Failed]);
export type SimpleAck = z.infer<typeof SimpleAckSchema>;

export const WatchJobAckSchema = z.union([ok({ job: JobViewSchema }), Failed]);
export type WatchJobAck = z.infer<typeof WatchJobAckSchema>;

export const LeasesRevokedSchema = z.strictObject({
  leaseIds: z.array(LeaseId),
  reason: z.string(),
});
export type LeasesRevoked = z.infer<typeof LeasesRevokedSchema>;

/** One chunk of the range map: how far along it is and how much of it is leased now. */
export const ChunkMapEntrySchema = z.strictObject({
  lo: z.number(),
  hi: z.number(),
  /**
   * Numbers of this chunk counted: those whose count is accepted, plus those its units in
   * flight have computed so far by their heartbeats (`complete` only once all are accepted).
   */
  done: z.number(),
  complete: z.boolean(),
});
export const RangeMapSchema = z.strictObject({
  jobId: JobId,
  n: z.number(),
  chunks: z.array(ChunkMapEntrySchema),
  /** Units leased right now. */
  inFlight: z.array(z.strictObject({ lo: z.number(), hi: z.number() })),
});
export type RangeMap = z.infer<typeof RangeMapSchema>;

export const SwarmStatsSchema = z.strictObject({
  volunteers: z.number().int(),
  threads: z.number().int(),
  browsers: z.number().int(),
  nodes: z.number().int(),
  /** Numbers sieved per second, averaged over the last few seconds. */
  rate: z.number(),
  leasesInFlight: z.number().int(),
  activeJobs: z.number().int(),
  at: z.number(),
});
export type SwarmStats = z.infer<typeof SwarmStatsSchema>;

// ---- typed events for Server<ClientToServer, ServerToClient> -------------------------

/** Acks are typed; payloads are `unknown` because they come from the network. */
type Ack<T> = (response: T) => void;

export interface ClientToServerEvents {
  'volunteer:hello': (payload: unknown, ack: Ack<HelloAck>) => void;
  'lease:request': (payload: unknown, ack: Ack<LeaseRequestAck>) => void;
  'lease:result': (payload: unknown, ack: Ack<ResultAck>) => void;
  'lease:fail': (payload: unknown, ack: Ack<SimpleAck>) => void;
  /** The ack is optional: a volunteer whose heartbeats this coordinator accepted may send later ones without one. */
  'lease:heartbeat': (payload: unknown, ack?: Ack<HeartbeatAck>) => void;
  'lease:release': (payload: unknown, ack: Ack<SimpleAck>) => void;
  'job:watch': (payload: unknown, ack: Ack<WatchJobAck>) => void;
  'job:unwatch': (payload: unknown, ack: Ack<SimpleAck>) => void;
  'swarm:watch': (payload: unknown, ack: Ack<SimpleAck>) => void;
}

export interface ServerToClientEvents {
  /** New work may be available: volunteers with free threads should ask again. */
  'work:available': () => void;
  'lease:revoked': (payload: LeasesRevoked) => void;
  'job:update': (payload: z.infer<typeof JobViewSchema>) => void;
  'job:map': (payload: RangeMap) => void;
  'swarm:update': (payload: SwarmStats) => void;
}

/**
 * What a client actually receives: the same events with `unknown` payloads, so that the
 * client side parses them too.
 */
export interface ServerToClientWire {
  'work:available': () => void;
  'lease:revoked': (payload: unknown) => void;
  'job:update': (payload: unknown) => void;
  'job:map': (payload: unknown) => void;
  'swarm:update': (payload: unknown) => void;
}

export interface ClientToServerWire {
  'volunteer:hello': (payload: Hello, ack: (response: unknown) => void) => void;
  'lease:request': (payload: LeaseRequest, ack: (response: unknown) => void) => void;
  'lease:result': (payload: LeaseResult, ack: (response: unknown) => void) => void;
  'lease:fail': (payload: LeaseFailure, ack: (response: unknown) => void) => void;
  'lease:heartbeat': (payload: Heartbeat, ack?: (response: unknown) => void) => void;
  'lease:release': (payload: LeaseIds, ack: (response: unknown) => void) => void;
  'job:watch': (payload: WatchJob, ack: (response: unknown) => void) => void;
  'job:unwatch': (payload: WatchJob, ack: (response: unknown) => void) => void;
  'swarm:watch': (payload: Record<string, never>, ack: (response: unknown) => void) => void;
}
