import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { execOnFile } from '../../test/support/sqlite-file.js';
import { SqliteJobStore } from './sqlite-store.js';

/** The version 1 schema as it was deployed, with one unfinished and one finished sieve job. */
const VERSION_1 = `
CREATE TABLE jobs (id TEXT PRIMARY KEY, n INTEGER NOT NULL, chunks INTEGER NOT NULL, state TEXT NOT NULL,
  created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, completed_chunks INTEGER NOT NULL,
  prime_count INTEGER, error TEXT);
CREATE INDEX jobs_finished_at ON jobs(finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE chunks (job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
  lo INTEGER NOT NULL, hi INTEGER NOT NULL, count INTEGER NOT NULL, done_numbers INTEGER NOT NULL,
  PRIMARY KEY (job_id, idx)) WITHOUT ROWID;
CREATE TABLE units (job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, chunk_idx INTEGER NOT NULL,
  lo INTEGER NOT NULL, hi INTEGER NOT NULL, count INTEGER NOT NULL, volunteer_ids TEXT NOT NULL,
  confirmed INTEGER NOT NULL, PRIMARY KEY (job_id, chunk_idx, lo)) WITHOUT ROWID;
INSERT INTO jobs VALUES ('a', 20000, 2, 'PROGRESS', 1, 2, NULL, 0, NULL, NULL);
INSERT INTO chunks VALUES ('a', 0, 1, 10000, 1229, 10000), ('a', 1, 10001, 20000, 0, 0);
INSERT INTO units VALUES ('a', 0, 1, 10000, 1229, '["v1"]', 0);
INSERT INTO jobs VALUES ('b', 10000, 1, 'SUCCESS', 1, 2, 3, 1, 1229, NULL);
PRAGMA user_version = 1;
`;

/** The version 3 schema as it was deployed (units in `units` only), with one unfinished sieve job. */
const VERSION_3 = `
CREATE TABLE jobs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, params TEXT NOT NULL, chunks INTEGER NOT NULL,
  state TEXT NOT NULL, created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER,
  completed_chunks INTEGER NOT NULL, answer TEXT, verified_by TEXT, error TEXT);
CREATE INDEX jobs_finished_at ON jobs(finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE chunks (job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
  lo INTEGER NOT NULL, hi INTEGER NOT NULL, accumulator TEXT NOT NULL, done_positions INTEGER NOT NULL,
  PRIMARY KEY (job_id, idx)) WITHOUT ROWID;
CREATE TABLE units (job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, chunk_idx INTEGER NOT NULL,
  lo INTEGER NOT NULL, hi INTEGER NOT NULL, result TEXT NOT NULL, volunteer_ids TEXT NOT NULL,
  confirmed INTEGER NOT NULL, PRIMARY KEY (job_id, chunk_idx, lo)) WITHOUT ROWID;
INSERT INTO jobs VALUES ('a', 'sieve-count', '{"n":20000}', 2, 'PROGRESS', 1, 2, NULL, 0, NULL, NULL, NULL);
INSERT INTO chunks VALUES ('a', 0, 1, 10000, '0', 0), ('a', 1, 10001, 20000, '0', 0);
INSERT INTO units VALUES ('a', 0, 1, 10000, '1229', '["v1"]', 1);
PRAGMA user_version = 3;
`;

describe('SQLite store schema versions', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A database file written by an older coordinator: `schema` run on a new file. */
  function olderFile(schema: string): string {
    dir = mkdtempSync(path.join(tmpdir(), 'store-migration-'));
    const file = path.join(dir, 'jobs.db');
    execOnFile(file, schema);
    return file;
  }

  const versionOf = (file: string): unknown => {
    const db = new Database(file, { readonly: true });
    try {
      return db.pragma('user_version', { simple: true });
    } finally {
      db.close();
    }
  };

  test('a version 1 file becomes sieve-count jobs with JSON values (version 2), then version 4, nothing lost', async () => {
    const file = olderFile(VERSION_1);

    const store = new SqliteJobStore(file);
    const jobs = store.loadJobs();
    expect(jobs.map((job) => job.record)).toEqual([
      expect.objectContaining({ id: 'a', kind: 'sieve-count', params: { n: 20000 }, state: 'PROGRESS', answer: undefined }),
      expect.objectContaining({ id: 'b', kind: 'sieve-count', params: { n: 10000 }, state: 'SUCCESS', answer: 1229 }),
    ]);
    expect(jobs[0]!.chunks).toEqual([
      { jobId: 'a', index: 0, lo: 1, hi: 10000, accumulator: 1229, donePositions: 10000 },
      { jobId: 'a', index: 1, lo: 10001, hi: 20000, accumulator: 0, donePositions: 0 },
    ]);
    expect(store.unitsOfChunk('a', 0)).toEqual([
      { jobId: 'a', chunkIndex: 0, lo: 1, hi: 10000, result: 1229, volunteerIds: ['v1'], confirmed: false },
    ]);
    expect(store.unconfirmedUnitsOf('v1')).toHaveLength(1);
    await store.close();
    expect(versionOf(file)).toBe(4);
  });

  test('a version 3 file gains the unit log (version 4): its units stay, new ones go through the log', async () => {
    const file = olderFile(VERSION_3);

    const store = new SqliteJobStore(file);
    expect(store.loadJobs().map((job) => job.record.id)).toEqual(['a']);
    const first = { jobId: 'a', chunkIndex: 0, lo: 1, hi: 10000, result: 1229, volunteerIds: ['v1'], confirmed: true };
    expect(store.unitsOfChunk('a', 0)).toEqual([first]);
    const second = { jobId: 'a', chunkIndex: 1, lo: 10001, hi: 20000, result: 1033, volunteerIds: ['v1'], confirmed: true };
    store.acceptUnit(second);
    await store.flushed();
    expect(store.unitsOfChunk('a', 1)).toEqual([second]);
    await store.close();
    expect(versionOf(file)).toBe(4);
    const written = new Database(file, { readonly: true });
    expect(written.prepare('SELECT (SELECT count(*) FROM units) AS units, (SELECT count(*) FROM unit_log) AS log').get()).toEqual({
      units: 1,
      log: 1,
    });
    written.close();
  });
});
