/**
 * The coordinator's in-memory model: jobs, their chunks, the units in flight, leases and
 * volunteers. Operations on it live one per module under jobs/ and leases/; they take a
 * `Domain` (state plus dependencies) as their first parameter.
 *
 * Memory is O(jobs x chunks + open units + leases): units are cut lazily from the
 * `untouched` ranges of a chunk, and an accepted unit leaves memory (its result lives on in
 * the chunk's accumulator and in the store).
 *
 * The domain does not know what a unit computes: a job's kind (shared/kinds/) says how its
 * work is laid out as positions, what a unit's descriptor and result are, and how results
 * fold into chunk accumulators and the answer. `lo` and `hi` below are positions.
 */
import type { JobState } from '../shared/api.js';
import type { JsonValue } from '../shared/kinds/job-kind.js';
import type { VolunteerKind } from '../shared/protocol.js';
import type { Range } from '../shared/split.js';
import type { ActiveVolunteers } from './leases/active-volunteers.js';
import type { LeaseLimits } from './leases/lease-limits.js';
import type { JobStore } from './store/job-store.js';
import type { TrustState, Vote } from './trust/trust-state.js';
import type { TotalVerifier } from './trust/verifier.js';

/**
 * What a volunteer reports for a unit, validated by its kind's result schema; votes compare
 * results only through their canonical key (trust/votes.ts).
 */
export type UnitResult = JsonValue;

/** What the store keeps of a job and what the REST view is made from. */
export interface JobRecord {
  id: string;
  /** Its kind's name (shared/kinds/registry.ts). */
  kind: string;
  /** Its kind's parameters (e.g. `{ n }` for sieve-count). */
  params: JsonValue;
  chunks: number;
  state: JobState;
  createdAt: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  completedChunks: number;
  /** The kind's answer, once the job succeeded (e.g. the prime count for sieve-count). */
  answer: JsonValue | undefined;
  /** What verified the answer independently of volunteers (trust/verifier.ts), if anything did. */
  verifiedBy: string | undefined;
  error: string | undefined;
}

export interface ChunkRecord {
  jobId: string;
  index: number;
  lo: number;
  hi: number;
  /** The accepted results of this chunk folded by its kind. */
  accumulator: JsonValue;
  /** How many positions of this chunk have an accepted result. */
  donePositions: number;
}

/** A unit whose result has been accepted (what the store keeps until the job ends). */
export interface AcceptedUnit {
  jobId: string;
  chunkIndex: number;
  lo: number;
  hi: number;
  result: UnitResult;
  /** The volunteers whose reports agreed on `result`. */
  volunteerIds: string[];
  /** True when independently confirmed (a trusted worker, or agreeing networks); false when it rests on one stranger's word. */
  confirmed: boolean;
}

export interface ChunkState extends ChunkRecord {
  /** Parts of the chunk not yet cut into units, in ascending order. */
  untouched: Range[];
}

/** A unit cut from a chunk and not yet accepted. */
export interface OpenUnit {
  key: string;
  jobId: string;
  chunkIndex: number;
  lo: number;
  hi: number;
  /** Votes received so far, one per volunteer (trust/ decides what they settle). */
  votes: Map<string, Vote>;
  /** Live leases on this unit. */
  leases: Set<string>;
  /** Computations that failed with an error. */
  failures: number;
  /**
   * Independent parties whose computation failed: a network, or each failure of a trusted
   * worker. This, `failedOn` and `excluded` are replaced, not changed, when written: most
   * units never fail nor exclude anyone, and share one empty set (NOBODY, NO_FAILURES).
   */
  failedParties: ReadonlySet<string>;
  /** Failed computations per network (tried elsewhere first; not at all after MAX_ATTEMPTS). */
  failedOn: ReadonlyMap<string, number>;
  /** Replicated even where a reputable volunteer's word alone would do. */
  spotCheck: boolean;
  /** Volunteers that must not compute this unit (quarantined, or the ones being audited). */
  excluded: ReadonlySet<string>;
  /** Set when this unit re-checks a count already accepted on a stranger's word alone. */
  audit: { key: string; result: UnitResult; voters: { volunteerId: string; network: string }[] } | undefined;
  /** Since when nobody could give the vote this unit waits for (see DISPUTE_TIMEOUT). */
  waitingSince: number | undefined;
  /** Where its job's `wanting` index holds it; undefined when it wants no lease (leases/wanting.ts keeps it). */
  want: { rank: 0 | 1 | 2; blocked: string } | undefined;
}

/** Open units of one rank that the same networks' strangers may not take (leases/wanting.ts). */
export interface WantGroup {
  networks: Set<string>;
  units: Set<OpenUnit>;
}

/** The empty set shared by units nobody is excluded from and units without failures. */
export const NOBODY: ReadonlySet<string> = new Set();
/** The empty map shared by units without failures. */
export const NO_FAILURES: ReadonlyMap<string, number> = new Map();

/** A unit with no votes, leases or failures yet; `fields` says what it is and who may take it. */
export function newOpenUnit(
  fields: Pick<OpenUnit, 'key' | 'jobId' | 'chunkIndex' | 'lo' | 'hi' | 'spotCheck' | 'excluded' | 'audit'>,
): OpenUnit {
  // Written out, not spread: a spread into this many properties made every open unit a
  // slow dictionary-mode object (15 us to create, and slow to read on every grant and vote).
  return {
    key: fields.key,
    jobId: fields.jobId,
    chunkIndex: fields.chunkIndex,
    lo: fields.lo,
    hi: fields.hi,
    spotCheck: fields.spotCheck,
    excluded: fields.excluded,
    audit: fields.audit,
    votes: new Map(),
    leases: new Set(),
    failures: 0,
    failedParties: NOBODY,
    failedOn: NO_FAILURES,
    waitingSince: undefined,
    want: undefined,
  };
}

export interface ActiveJob {
  record: JobRecord;
  chunks: ChunkState[];
  /** Units cut and not yet accepted, by key. */
  open: Map<string, OpenUnit>;
  /**
   * The open units that want another lease, by rank (fresh, awaiting confirmation,
   * disputed), grouped by the networks that may not take them: a grant looks at these only
   * (leases/wanting.ts).
   */
  wanting: [Map<string, WantGroup>, Map<string, WantGroup>, Map<string, WantGroup>];
  /** Index of the first chunk that may still have untouched ranges. */
  cutCursor: number;
  leasesInFlight: number;
  /** A verification of its total is running (jobs/finish-job.ts). */
  verifying: boolean;
}

export interface LeaseState {
  id: string;
  jobId: string;
  unitKey: string;
  volunteerId: string;
  lo: number;
  hi: number;
  /** The kind the volunteer computes the unit as (the job's, or its `computedAs`) and the unit's descriptor. */
  kind: string;
  unit: JsonValue;
  grantedAt: number;
  deadline: number;
  /** The unit's estimated work in reference seconds (shared/kinds/unit-cost.ts). */
  cost: number;
  /** Positions of the unit its holder says it has computed (heartbeat progress; shown on the range map only). */
  done: number;
}

export interface VolunteerState {
  id: string;
  kind: VolunteerKind;
  /** The job kinds its threads compute; it is given units of these only. */
  computes: ReadonlySet<string>;
  threads: number;
  name: string | undefined;
  connectedAt: number;
  /** When it last asked for work (see ACTIVE_WINDOW_MS). */
  lastRequestAt: number;
  leases: Set<string>;
  quarantined: boolean;
  unitsCompleted: number;
  /** Trust (see trust/): its network, whether it is trusted, how many of its results in a row others confirmed. */
  network: string;
  trusted: boolean;
  confirmedStreak: number;
  /**
   * Its speed measured from grant to report (see leases/lease-limits.ts), in reference seconds
   * of work per second: per lease, in all, and per thread; and the cost of its units. Undefined
   * until it reports.
   */
  pace: { perLease: number; total: number; perThread: number; unitCost: number } | undefined;
}

export interface LeasePolicy {
  /** Fixed units of this many positions (UNIT_SIZE); undefined: units sized per volunteer. */
  unitSize: number | undefined;
  /** What a unit should take on the thread that gets it (UNIT_SECONDS; default in leases/unit-size.ts). */
  unitSeconds?: number;
  leaseTimeoutMs: number;
  maxAttempts: number;
}

/** What the domain tells the edges; the socket layer turns it into messages. */
export interface DomainEvents {
  jobChanged(jobId: string): void;
  leasesRevoked(volunteerId: string, leaseIds: string[], reason: string): void;
  workAvailable(): void;
  unitAccepted(jobId: string, numbers: number): void;
}

export interface Domain {
  jobs: Map<string, JobRecord>;
  active: Map<string, ActiveJob>;
  leases: Map<string, LeaseState>;
  volunteers: Map<string, VolunteerState>;
  /** The volunteers taking work now, by kind and network (leases/active-volunteers.ts). */
  activeVolunteers: ActiveVolunteers;
  /** Volunteers caught reporting a wrong count (kept after they disconnect). */
  quarantined: Set<string>;
  store: JobStore;
  policy: LeasePolicy;
  /** Who is trusted and independent, and what they have done (trust/). */
  trust: TrustState;
  /** Checks a job's total independently before it succeeds; undefined: no job can be verified. */
  verifier: TotalVerifier | undefined;
  /** How many units a volunteer may hold and for how long. */
  limits: LeaseLimits;
  events: DomainEvents;
  now: () => number;
  newId: () => string;
  random: () => number;
}
