/**
 * The job table in one SQLite file (WAL). A job is written before its 202 is sent. Accepted
 * units and job updates are batched: the writes made in one turn of the event loop are
 * committed in one transaction at its end, or, when the last commit was less than
 * COMMIT_INTERVAL_MS ago, those of every turn until then (a job row once, with its latest
 * values); a turn that runs long commits on the way (MAX_BATCH_AGE_MS). A volunteer's result
 * is acknowledged only after `flushed()`, when its batch is committed. An accepted unit writes its own row only, appended to the unit log (UNIT_LOG);
 * the oldest logged units of jobs still running are moved into `units` in bulk, those of
 * jobs that ended meanwhile are dropped: a restart folds the chunks' totals and the jobs'
 * progress from the unit rows. WAL with synchronous=NORMAL keeps every committed transaction through
 * a crash of this process. An ended job's unit rows are deleted in slices between batches, so
 * finishing a job with 100,000 units does not stall the coordinator. The write-ahead log is
 * checkpointed on a thread of its own (wal-checkpointer.ts), never inside a commit on the
 * event loop.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { JobState } from '../../shared/api.js';
import type { JsonValue } from '../../shared/kinds/job-kind.js';
import type { AcceptedUnit, ChunkRecord, JobRecord } from '../model.js';
import type { JobStore, StoredJob } from './job-store.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';

/**
 * Version 2 made the store kind-agnostic: a job has a kind and JSON parameters and answer,
 * a chunk a JSON accumulator, a unit a JSON result. A version 1 file (sieve counts only) is
 * migrated in place when opened (MIGRATE_1_TO_2), in one transaction.
 * Version 3 stopped rewriting a chunk's row for every accepted unit: its accumulator and
 * done positions stay as inserted, and a restart folds them from the chunk's unit rows. A
 * version 2 file needs no change (its chunk rows are exact, and folding its units gives the
 * same totals); a coordinator from before version 3 refuses a version 3 file rather than
 * read stale chunk totals.
 * Version 4 added the unit log (UNIT_LOG): a coordinator from before it would not read the
 * units there, so it refuses a version 4 file.
 */
const SCHEMA_VERSION = 4;

const SCHEMA_V3 = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  params TEXT NOT NULL,
  chunks INTEGER NOT NULL,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  completed_chunks INTEGER NOT NULL,
  answer TEXT,
  verified_by TEXT,
  error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_finished_at ON jobs(finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS chunks (
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  lo INTEGER NOT NULL,
  hi INTEGER NOT NULL,
  accumulator TEXT NOT NULL,
  done_positions INTEGER NOT NULL,
  PRIMARY KEY (job_id, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS units (
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  chunk_idx INTEGER NOT NULL,
  lo INTEGER NOT NULL,
  hi INTEGER NOT NULL,
  result TEXT NOT NULL,
  volunteer_ids TEXT NOT NULL,
  confirmed INTEGER NOT NULL,
  PRIMARY KEY (job_id, chunk_idx, lo)
) WITHOUT ROWID;
`;

/**
 * Accepted units are appended here first (the young units) and the oldest are moved into
 * `units` in bulk (`LogLimits`). No key but the order of acceptance, no index, no foreign
 * key, on purpose: a commit then writes the log's last page or two, where a row per unit into
 * `units` wrote a page for every job that got a result in the commit. The move inserts the
 * rows sorted by key, so a page of `units` is written once for many rows, and it deletes them
 * from the log by a range of `seq`. Units of jobs that ended before their move are deleted
 * without being moved: most units of a short job never reach `units`, nor its compaction.
 * The store keeps where each logged unit is (`LoggedUnits`), so reads find them without a
 * scan. (One log row per commit, its units in a JSON array, made the move two times slower
 * than the appends it saved: 19 ms for 2,000 units, against 9.)
 */
const UNIT_LOG = `
CREATE TABLE IF NOT EXISTS unit_log (
  seq INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL,
  chunk_idx INTEGER NOT NULL,
  lo INTEGER NOT NULL,
  hi INTEGER NOT NULL,
  result TEXT NOT NULL,
  volunteer_ids TEXT NOT NULL,
  confirmed INTEGER NOT NULL
);
`;

const SCHEMA = SCHEMA_V3 + UNIT_LOG;

/** Version 1 kept sieve counts as integers: they become sieve-count jobs with JSON values. */
const MIGRATE_1_TO_2 = `
ALTER TABLE jobs RENAME TO jobs_v1;
ALTER TABLE chunks RENAME TO chunks_v1;
ALTER TABLE units RENAME TO units_v1;
DROP INDEX IF EXISTS jobs_finished_at;
${SCHEMA_V3}
INSERT INTO jobs SELECT id, 'sieve-count', json_object('n', n), chunks, state, created_at, started_at,
  finished_at, completed_chunks, CASE WHEN prime_count IS NULL THEN NULL ELSE CAST(prime_count AS TEXT) END, NULL, error
  FROM jobs_v1;
INSERT INTO chunks SELECT job_id, idx, lo, hi, CAST(count AS TEXT), done_numbers FROM chunks_v1;
INSERT INTO units SELECT job_id, chunk_idx, lo, hi, CAST(count AS TEXT), volunteer_ids, confirmed FROM units_v1;
DROP TABLE units_v1;
DROP TABLE chunks_v1;
DROP TABLE jobs_v1;
`;

interface JobRow {
  id: string;
  kind: string;
  params: string;
  chunks: number;
  state: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  completed_chunks: number;
  answer: string | null;
  verified_by: string | null;
  error: string | null;
}

interface ChunkRow {
  job_id: string;
  idx: number;
  lo: number;
  hi: number;
  accumulator: string;
  done_positions: number;
}

interface UnitRow {
  job_id: string;
  chunk_idx: number;
  lo: number;
  hi: number;
  result: string;
  volunteer_ids: string;
  confirmed: number;
}

interface LoggedUnitRow extends UnitRow {
  seq: number;
}

/**
 * The least time between two commits. A commit costs about 0.15 ms of CPU besides its rows,
 * and it writes every page it touched to the log, so a page shared by many rows (a job's
 * newest unit rows, its job row) is written once per commit, not once per row: measured with
 * 36 jobs, 20 units per commit cost twice the CPU per unit of 100. A coordinator whose turns
 * hold a result or two would otherwise pay a commit per result, and one saturated with short
 * turns (a low `SHED_LAG`) a commit per turn. An acknowledgement waits this much longer at
 * most.
 */
const COMMIT_INTERVAL_MS = 10;

/**
 * A batch this old is committed before the end of the turn of the event loop, once the
 * handler writing to it has returned (a microtask: one handler's writes always share a
 * commit). A saturated coordinator's turn can handle results for 100 ms and more; the
 * acknowledgements of its first results would otherwise wait for all of it.
 */
const MAX_BATCH_AGE_MS = 20;

/** How many units the unit log keeps, and how many of its oldest are moved into `units` at once. */
export interface LogLimits {
  /**
   * Units kept in the log, at least, before the oldest are moved: a job that ends within
   * that many accepted units of one of its units has that unit deleted, never moved. At
   * 10,000 units a second, 32,000 units are about three seconds of work, and 3 MB.
   */
  keptRows: number;
  /**
   * Units moved at once, at least, in a transaction of their own right after the commit that
   * crossed `keptRows + movedRows` (once its acknowledgements are out). Measured with 36 jobs open and
   * 80 units a commit (every job running), the store's CPU per unit (its share of the moves
   * included) was 32 µs when every unit went into `units`; with the log, 26 µs at moves of
   * 500 rows, 24 at 1,000, 21 at 2,000 and 20 at 8,000, while a move took 6, 9 and 28 ms
   * (median) at 1,000, 2,000 and 8,000 rows: it holds the event loop that long.
   */
  movedRows: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { keptRows: 32_000, movedRows: 2000 };

/** The writes the store makes on its own, between commits. */
export type BackgroundTask = 'moving the unit log' | 'compacting an ended job';

export interface SqliteStoreOptions {
  logLimits?: LogLimits;
  /**
   * Hears a write the store made on its own that failed (a full disk, say). Nothing is lost:
   * the unit log stays as it was, the job stays to compact, and the store tries again after
   * BACKGROUND_RETRY_MS. A process warning by default.
   */
  onBackgroundError?: (error: unknown, task: BackgroundTask) => void;
}

/** How long a failed move of the unit log or compaction slice waits before it is tried again. */
const BACKGROUND_RETRY_MS = 1000;

/**
 * Rows appended by one statement: a statement per row cost about 6 µs of CPU per row, one
 * per 8 rows about 4 (its call, bind and step are shared).
 */
const APPENDED_PER_STATEMENT = 8;

/** Pages in the log after which SQLite checkpoints inside a commit, by default. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/** Unit rows deleted per slice, about, when compacting an ended job (a millisecond or two each). */
const COMPACT_SLICE_ROWS = 2000;

/** Where the compaction of an ended job stands: its chunks below `nextChunk` have no unit rows left. */
interface Compaction {
  nextChunk: number;
  /** Chunks per slice, adjusted after each so that a slice deletes about COMPACT_SLICE_ROWS rows. */
  chunksPerSlice: number;
}

interface Batch {
  units: Map<string, AcceptedUnit>;
  jobs: Map<string, JobRecord>;
  /** When its first write came (performance.now()). */
  openedAt: number;
  /** Its commit is queued before the end of the turn (MAX_BATCH_AGE_MS). */
  commitQueued: boolean;
  committed: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const committed = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A failed commit is reported to whoever waits on it; nobody waiting is not an unhandled rejection.
  committed.catch(() => undefined);
  return { units: new Map(), jobs: new Map(), openedAt: performance.now(), commitQueued: false, committed, resolve, reject };
}

export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
}

const toJob = (row: JobRow): JobRecord => ({
  id: row.id,
  kind: row.kind,
  params: JSON.parse(row.params) as JsonValue,
  chunks: row.chunks,
  state: row.state as JobState,
  createdAt: row.created_at,
  startedAt: row.started_at ?? undefined,
  finishedAt: row.finished_at ?? undefined,
  completedChunks: row.completed_chunks,
  answer: row.answer === null ? undefined : (JSON.parse(row.answer) as JsonValue),
  verifiedBy: row.verified_by ?? undefined,
  error: row.error ?? undefined,
});

const toChunk = (row: ChunkRow): ChunkRecord => ({
  jobId: row.job_id,
  index: row.idx,
  lo: row.lo,
  hi: row.hi,
  accumulator: JSON.parse(row.accumulator) as JsonValue,
  donePositions: row.done_positions,
});

const toUnit = (row: UnitRow): AcceptedUnit => ({
  jobId: row.job_id,
  chunkIndex: row.chunk_idx,
  lo: row.lo,
  hi: row.hi,
  result: JSON.parse(row.result) as JsonValue,
  volunteerIds: JSON.parse(row.volunteer_ids) as string[],
  confirmed: row.confirmed === 1,
});

const chunkParams = (chunk: ChunkRecord) => ({
  job_id: chunk.jobId,
  idx: chunk.index,
  lo: chunk.lo,
  hi: chunk.hi,
  accumulator: JSON.stringify(chunk.accumulator),
  done_positions: chunk.donePositions,
});

/**
 * A unit row's values in column order. The statements run for every accepted unit bind
 * positional parameters: binding by name costs a property lookup per parameter (a row and
 * its share of the commit took 13.4 µs by name, 11.4 by position).
 */
const LOG_COLUMNS = '(seq, job_id, chunk_idx, lo, hi, result, volunteer_ids, confirmed)';
const LOG_COLUMN_COUNT = 8;
const LOG_ROW_PLACEHOLDERS = `(${Array<string>(LOG_COLUMN_COUNT).fill('?').join(', ')})`;

/** Appends a logged unit's values, in LOG_COLUMNS order, to `values`. */
function pushLogValues(values: (string | number)[], seq: number, unit: AcceptedUnit): void {
  values.push(seq, unit.jobId, unit.chunkIndex, unit.lo, unit.hi, JSON.stringify(unit.result), JSON.stringify(unit.volunteerIds), unit.confirmed ? 1 : 0);
}

/**
 * Where the units still in the log are: the `seq` of the latest row of each (a corrected
 * unit has two), by job, chunk and `lo`, and each row's unit in the order of `seq`, so that
 * the rows moved out of the log are forgotten too. Nothing is allocated per unit but map
 * entries and array slots (the job ids are the units' own strings): thousands of objects a
 * second that live for seconds would be copied by every young-generation collection.
 */
class LoggedUnits {
  private readonly byJob = new Map<string, Map<number, Map<number, number>>>();
  private readonly jobIds: string[] = [];
  private readonly chunkIndexes: number[] = [];
  private readonly los: number[] = [];

  /** `firstSeq` is the oldest row's `seq`, `nextSeq` the next one's; rows before `firstSeq` are not known here. */
  constructor(
    public firstSeq: number,
    public nextSeq: number,
  ) {}

  get size(): number {
    return this.nextSeq - this.firstSeq;
  }

  /** The row just appended for `unit` (at `nextSeq`). */
  appended(unit: AcceptedUnit): void {
    let ofJob = this.byJob.get(unit.jobId);
    if (!ofJob) this.byJob.set(unit.jobId, (ofJob = new Map()));
    let ofChunk = ofJob.get(unit.chunkIndex);
    if (!ofChunk) ofJob.set(unit.chunkIndex, (ofChunk = new Map()));
    ofChunk.set(unit.lo, this.nextSeq++);
    this.jobIds.push(unit.jobId);
    this.chunkIndexes.push(unit.chunkIndex);
    this.los.push(unit.lo);
  }

  /** The `seq` of each unit of the chunk that is in the log, by `lo`. */
  ofChunk(jobId: string, chunkIndex: number): ReadonlyMap<number, number> | undefined {
    return this.byJob.get(jobId)?.get(chunkIndex);
  }

  /** The `seq` of the unit's latest row in the log, if it has one. */
  seqOf(row: UnitRow): number | undefined {
    return this.ofChunk(row.job_id, row.chunk_idx)?.get(row.lo);
  }

  /** The rows before `seq` left the log. */
  removedBefore(seq: number): void {
    if (seq <= this.firstSeq) return;
    const removed = Math.min(seq - this.firstSeq, this.los.length);
    for (let i = 0; i < removed; i++) {
      const jobId = this.jobIds[i]!;
      const chunkIndex = this.chunkIndexes[i]!;
      const ofJob = this.byJob.get(jobId);
      const ofChunk = ofJob?.get(chunkIndex);
      if (!ofJob || !ofChunk || ofChunk.get(this.los[i]!) !== this.firstSeq + i) continue;
      ofChunk.delete(this.los[i]!);
      if (ofChunk.size > 0) continue;
      ofJob.delete(chunkIndex);
      if (ofJob.size === 0) this.byJob.delete(jobId);
    }
    // (`copyWithin` and a shorter `length` took 5 µs per unit more: not a fast path for these arrays.)
    this.jobIds.splice(0, removed);
    this.chunkIndexes.splice(0, removed);
    this.los.splice(0, removed);
    this.firstSeq = seq;
  }
}

/** The columns of a job row that change after it is inserted, in the order both job statements bind them. */
type JobProgressValues = [
  state: string,
  startedAt: number | null,
  finishedAt: number | null,
  completedChunks: number,
  answer: string | null,
  verifiedBy: string | null,
  error: string | null,
];

const jobProgressValues = (job: JobRecord): JobProgressValues => [
  job.state,
  job.startedAt ?? null,
  job.finishedAt ?? null,
  job.completedChunks,
  job.answer === undefined ? null : JSON.stringify(job.answer),
  job.verifiedBy ?? null,
  job.error ?? null,
];

export class SqliteJobStore implements JobStore {
  private readonly db: Database.Database;
  private readonly statements;
  private closed = false;
  /** Writes waiting for the next commit; undefined when none are. */
  private batch: Batch | undefined;
  /** Cancels the scheduled commit of `batch`. */
  private cancelCommit: (() => void) | undefined;
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  private readonly logged: LoggedUnits;
  private moveImmediate: NodeJS.Immediate | undefined;
  /** No move before then: the last one failed. */
  private moveRetryAt = Number.NEGATIVE_INFINITY;
  private readonly logLimits: LogLimits;
  private readonly onBackgroundError: (error: unknown, task: BackgroundTask) => void;
  /** Ended jobs whose unit and chunk rows are still being deleted, in slices. */
  private readonly compacting = new Map<string, Compaction>();
  private compactTimer: NodeJS.Timeout | undefined;
  private checkpointer: WalCheckpointer | undefined;

  /** Opens (or creates) `file`. A file that is not a healthy database stops here, untouched. */
  constructor(
    readonly file: string,
    options: SqliteStoreOptions = {},
  ) {
    this.logLimits = options.logLimits ?? DEFAULT_LOG_LIMITS;
    this.onBackgroundError =
      options.onBackgroundError ??
      ((error, task) => process.emitWarning(`job store: ${task} failed: ${(error as Error).message}`, { code: 'JOB_STORE_BACKGROUND_WRITE' }));
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    try {
      this.db = new Database(file);
      const check = this.db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
      const version = this.db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) throw new Error(`schema version ${version} is newer than this coordinator (${SCHEMA_VERSION})`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // Checkpoints run on a thread of their own (wal-checkpointer.ts), not inside a commit.
      this.db.pragma('wal_autocheckpoint = 0');
      this.db.pragma('foreign_keys = ON');
      this.db.transaction(() => {
        this.db.exec(version === 1 ? MIGRATE_1_TO_2 + UNIT_LOG : SCHEMA);
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    } catch (error) {
      throw new DatabaseOpenError(
        `cannot open the job database ${file}: ${(error as Error).message}. ` +
          'It was left as it is; move it aside (or point DATA_DIR elsewhere) to start with an empty job table.',
        { cause: error },
      );
    }
    const db = this.db;
    this.statements = {
      insertJob: db.prepare<[id: string, kind: string, params: string, chunks: number, createdAt: number, ...JobProgressValues]>(
        `INSERT INTO jobs (id, kind, params, chunks, created_at, state, started_at, finished_at, completed_chunks, answer,
         verified_by, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateJob: db.prepare<[...JobProgressValues, id: string]>(
        `UPDATE jobs SET state = ?, started_at = ?, finished_at = ?, completed_chunks = ?, answer = ?, verified_by = ?,
         error = ? WHERE id = ?`,
      ),
      insertChunk: db.prepare<ReturnType<typeof chunkParams>>(
        'INSERT INTO chunks VALUES (@job_id, @idx, @lo, @hi, @accumulator, @done_positions)',
      ),
      appendUnit: db.prepare<(string | number)[]>(`INSERT INTO unit_log ${LOG_COLUMNS} VALUES ${LOG_ROW_PLACEHOLDERS}`),
      appendUnits: db.prepare<(string | number)[]>(
        `INSERT INTO unit_log ${LOG_COLUMNS} VALUES ${Array<string>(APPENDED_PER_STATEMENT).fill(LOG_ROW_PLACEHOLDERS).join(', ')}`,
      ),
      nextLogSeq: db.prepare<[], { next: number }>('SELECT coalesce(max(seq), 0) + 1 AS next FROM unit_log'),
      // Sorted by key, so each page of `units` is written once per move; a corrected unit
      // (logged again, later) replaces its first result. Ended jobs' units are left out.
      moveLogged: db.prepare<[beforeSeq: number]>(
        `INSERT INTO units SELECT log.job_id, log.chunk_idx, log.lo, log.hi, log.result, log.volunteer_ids, log.confirmed
         FROM unit_log AS log JOIN jobs ON jobs.id = log.job_id WHERE log.seq < ? AND jobs.finished_at IS NULL
         ORDER BY log.job_id, log.chunk_idx, log.lo, log.seq
         ON CONFLICT (job_id, chunk_idx, lo) DO UPDATE SET result = excluded.result,
         volunteer_ids = excluded.volunteer_ids, confirmed = excluded.confirmed`,
      ),
      deleteLogged: db.prepare<[beforeSeq: number]>('DELETE FROM unit_log WHERE seq < ?'),
      loggedUnit: db.prepare<[seq: number], UnitRow>('SELECT * FROM unit_log WHERE seq = ?'),
      unitsOfChunk: db.prepare<[string, number], UnitRow>(
        'SELECT * FROM units WHERE job_id = ? AND chunk_idx = ? ORDER BY lo',
      ),
      unconfirmedOf: db.prepare<[string], UnitRow>(
        `SELECT * FROM units WHERE confirmed = 0 AND EXISTS
         (SELECT 1 FROM json_each(units.volunteer_ids) WHERE json_each.value = ?)`,
      ),
      unconfirmedLoggedOf: db.prepare<[string], LoggedUnitRow>(
        `SELECT * FROM unit_log WHERE confirmed = 0 AND EXISTS
         (SELECT 1 FROM json_each(unit_log.volunteer_ids) WHERE json_each.value = ?)`,
      ),
      // A range of the primary key: a sixth of the CPU per row of deleting rows picked by a subquery.
      deleteUnitsOfChunks: db.prepare<[string, number, number]>(
        'DELETE FROM units WHERE job_id = ? AND chunk_idx >= ? AND chunk_idx < ?',
      ),
      chunkCountOf: db.prepare<[string], { chunks: number }>('SELECT chunks FROM jobs WHERE id = ?'),
      leftToCompact: db.prepare<[], { id: string }>(
        `SELECT id FROM jobs WHERE finished_at IS NOT NULL AND EXISTS (SELECT 1 FROM chunks WHERE chunks.job_id = jobs.id)`,
      ),
      deleteChunks: db.prepare<[string]>('DELETE FROM chunks WHERE job_id = ?'),
      allJobs: db.prepare<[], JobRow>('SELECT * FROM jobs ORDER BY created_at'),
      chunksOf: db.prepare<[string], ChunkRow>('SELECT * FROM chunks WHERE job_id = ? ORDER BY idx'),
      finishedBefore: db.prepare<[number], { id: string }>('SELECT id FROM jobs WHERE finished_at < ?'),
      deleteJob: db.prepare<[string]>('DELETE FROM jobs WHERE id = ?'),
    };
    // Units logged before a stop are moved at once: this process knows where only its own are.
    const { next } = this.statements.nextLogSeq.get()!;
    this.moveLogged(next);
    this.logged = new LoggedUnits(next, next);
    // A job that ended just before a stop may still have rows to drop.
    for (const { id } of this.statements.leftToCompact.all()) this.compactJob(id);
    if (file !== ':memory:') {
      this.checkpointer = startWalCheckpointer(file, () => {
        // Without its thread the log still gets checkpointed: inside commits, as SQLite does by default.
        if (!this.closed) this.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
      });
    }
  }

  insertJob(job: JobRecord, chunks: ChunkRecord[]): void {
    // Committed at once, in a transaction of its own. The pending batch holds other jobs'
    // rows only, so it keeps its time rather than being committed early with every new job.
    this.db.transaction(() => {
      this.statements.insertJob.run(job.id, job.kind, JSON.stringify(job.params), job.chunks, job.createdAt, ...jobProgressValues(job));
      for (const chunk of chunks) this.statements.insertChunk.run(chunkParams(chunk));
    })();
  }

  updateJob(job: JobRecord): void {
    this.pending().jobs.set(job.id, job);
  }

  acceptUnit(unit: AcceptedUnit): void {
    this.pending().units.set(`${unit.jobId}:${unit.chunkIndex}:${unit.lo}`, unit);
  }

  correctUnit(unit: AcceptedUnit): void {
    this.pending().units.set(`${unit.jobId}:${unit.chunkIndex}:${unit.lo}`, unit);
  }

  flushed(): Promise<void> {
    return this.batch?.committed ?? Promise.resolve();
  }

  unitsOfChunk(jobId: string, chunkIndex: number): AcceptedUnit[] {
    this.commit();
    const rows = this.statements.unitsOfChunk.all(jobId, chunkIndex);
    const logged = this.logged.ofChunk(jobId, chunkIndex);
    if (!logged) return rows.map(toUnit);
    const byLo = new Map(rows.map((row) => [row.lo, row]));
    for (const seq of logged.values()) byLo.set(...this.loggedRow(seq));
    return [...byLo.values()].sort((a, b) => a.lo - b.lo).map(toUnit);
  }

  unconfirmedUnitsOf(volunteerId: string): AcceptedUnit[] {
    this.commit();
    // A unit's latest row counts: one in the log replaces the one in `units`.
    const moved = this.statements.unconfirmedOf.all(volunteerId).filter((row) => this.logged.seqOf(row) === undefined);
    const logged = this.statements.unconfirmedLoggedOf.all(volunteerId).filter((row) => this.logged.seqOf(row) === row.seq);
    return [...moved, ...logged].map(toUnit);
  }

  compactJob(jobId: string): void {
    if (!this.compacting.has(jobId)) this.compacting.set(jobId, { nextChunk: 0, chunksPerSlice: 1 });
    this.compactTimer ??= setTimeout(() => this.compactSlice(), 0);
  }

  loadJobs(): StoredJob[] {
    this.commit();
    return this.statements.allJobs.all().map((row) => ({
      record: toJob(row),
      chunks: this.statements.chunksOf.all(row.id).map(toChunk),
    }));
  }

  deleteFinishedBefore(time: number): string[] {
    this.commit();
    return this.db.transaction(() => {
      const ids = this.statements.finishedBefore.all(time).map((row) => row.id);
      for (const id of ids) this.statements.deleteJob.run(id);
      return ids;
    })();
  }

  /**
   * Commits what is pending and closes the file. The promise resolves once the checkpoint
   * thread has closed its connection too (the last connection removes the log files: a
   * folder deleted before that may get them back).
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.commit();
      if (this.compactTimer) clearTimeout(this.compactTimer);
      if (this.moveImmediate) clearImmediate(this.moveImmediate);
      this.closed = true;
      this.db.close();
    }
    return this.checkpointer?.close() ?? Promise.resolve();
  }

  /**
   * The batch collecting writes. Its commit runs at the end of this turn of the event loop
   * (setImmediate), or COMMIT_INTERVAL_MS after the last commit if that is later. Deciding at
   * the end of the turn matters when the coordinator is saturated: a turn then takes longer
   * than the interval, and a timer set at its start would only fire in the next turn, after
   * that one's messages too, so every acknowledgement waited a whole turn longer.
   */
  private pending(): Batch {
    if (this.closed) throw new Error('the job store is closed');
    const batch = this.batch;
    if (!batch) {
      this.batch = newBatch();
      const immediate = setImmediate(() => this.commitWhenDue());
      this.cancelCommit = () => clearImmediate(immediate);
      return this.batch;
    }
    if (!batch.commitQueued && performance.now() - batch.openedAt >= MAX_BATCH_AGE_MS) {
      batch.commitQueued = true;
      queueMicrotask(() => {
        if (this.batch === batch && !this.closed) this.commit();
      });
    }
    return batch;
  }

  private commitWhenDue(): void {
    const wait = this.lastCommitAt + COMMIT_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      this.commit();
      return;
    }
    const timer = setTimeout(() => this.commit(), wait);
    this.cancelCommit = () => clearTimeout(timer);
  }

  /** Commits the pending writes now, in one transaction. */
  private commit(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    this.cancelCommit?.();
    this.cancelCommit = undefined;
    try {
      this.db.transaction(() => {
        this.append(batch);
        for (const job of batch.jobs.values()) this.statements.updateJob.run(...jobProgressValues(job), job.id);
      })();
    } catch (error) {
      batch.reject(error);
      return;
    } finally {
      this.lastCommitAt = performance.now();
    }
    for (const unit of batch.units.values()) this.logged.appended(unit);
    batch.resolve();
    this.scheduleMove();
  }

  /** Appends the batch's units to the log, from `logged.nextSeq` on (in a transaction). */
  private append(batch: Batch): void {
    let seq = this.logged.nextSeq;
    let values: (string | number)[] = [];
    for (const unit of batch.units.values()) {
      pushLogValues(values, seq++, unit);
      if (values.length === LOG_COLUMN_COUNT * APPENDED_PER_STATEMENT) {
        this.statements.appendUnits.run(...values);
        values = [];
      }
    }
    for (let i = 0; i < values.length; i += LOG_COLUMN_COUNT) this.statements.appendUnit.run(...values.slice(i, i + LOG_COLUMN_COUNT));
  }

  /**
   * Once the log holds `movedRows` more than it keeps, moves its oldest units (all but the
   * `keptRows` newest), after the acknowledgements this commit releases.
   */
  private scheduleMove(): void {
    const { keptRows, movedRows } = this.logLimits;
    if (this.logged.size < keptRows + movedRows || performance.now() < this.moveRetryAt) return;
    this.moveImmediate ??= setImmediate(() => {
      this.moveImmediate = undefined;
      if (this.closed) return;
      // Jobs that ended since are then ended in the file too: their units are not moved.
      this.commit();
      // That commit may have scheduled this again, before this move: then there is nothing to do.
      if (this.logged.size < keptRows + movedRows) return;
      const before = this.logged.nextSeq - keptRows;
      try {
        this.moveLogged(before);
      } catch (error) {
        this.moveRetryAt = performance.now() + BACKGROUND_RETRY_MS;
        this.onBackgroundError(error, 'moving the unit log');
        return;
      }
      this.logged.removedBefore(before);
    });
  }

  /** Moves the logged units before `seq` into `units` (those of running jobs) and deletes them from the log. */
  private moveLogged(seq: number): void {
    this.db.transaction(() => {
      this.statements.moveLogged.run(seq);
      this.statements.deleteLogged.run(seq);
    })();
  }

  /** A row of the log, by `lo`, for a `seq` that `logged` knows. */
  private loggedRow(seq: number): [number, UnitRow] {
    const row = this.statements.loggedUnit.get(seq);
    if (!row) throw new Error(`unit log row ${seq} is missing`);
    return [row.lo, row];
  }

  /** Deletes one slice of unit rows of an ended job; the chunk rows go with the last slice. */
  private compactSlice(): void {
    this.compactTimer = undefined;
    if (this.closed) return;
    const [next] = this.compacting;
    if (next === undefined) return;
    const [jobId, compaction] = next;
    this.commit();
    try {
      // A job deleted meanwhile took its rows with it.
      const chunks = this.statements.chunkCountOf.get(jobId)?.chunks ?? 0;
      const end = Math.min(chunks, compaction.nextChunk + compaction.chunksPerSlice);
      const deleted = this.statements.deleteUnitsOfChunks.run(jobId, compaction.nextChunk, end).changes;
      compaction.nextChunk = end;
      // The chunks of a job hold about as many units each; a change of pace is bounded per slice.
      const scaled = Math.round((compaction.chunksPerSlice * COMPACT_SLICE_ROWS) / Math.max(1, deleted));
      compaction.chunksPerSlice = Math.max(1, Math.min(compaction.chunksPerSlice * 4, scaled));
      if (end >= chunks) {
        this.statements.deleteChunks.run(jobId);
        this.compacting.delete(jobId);
      }
    } catch (error) {
      this.onBackgroundError(error, 'compacting an ended job');
      this.compactTimer = setTimeout(() => this.compactSlice(), BACKGROUND_RETRY_MS);
      return;
    }
    if (this.compacting.size > 0) this.compactTimer = setTimeout(() => this.compactSlice(), 0);
  }
}
