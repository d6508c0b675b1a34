import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { pendingJobRecord } from '../jobs/create-job.js';
import type { ChunkRecord, JobRecord } from '../model.js';
import { execOnFile } from '../../test/support/sqlite-file.js';
import { SqliteJobStore } from './sqlite-store.js';

/** Units per chunk, uneven (some chunks have none), so slices cut across chunks of every size: 7,650 in all. */
const UNITS_PER_CHUNK = Array.from({ length: 51 }, (_, i) => (i * 37) % 301);
const UNIT_SIZE = 10;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'store-compaction-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A sieve-count job with one accepted unit row per UNITS_PER_CHUNK entry, committed. */
async function jobWithUnits(store: SqliteJobStore, id: string): Promise<JobRecord> {
  const chunkSize = UNIT_SIZE * 1000;
  const chunks: ChunkRecord[] = UNITS_PER_CHUNK.map((_, index) => ({
    jobId: id,
    index,
    lo: index * chunkSize + 1,
    hi: (index + 1) * chunkSize,
    accumulator: 0,
    donePositions: 0,
  }));
  const record = pendingJobRecord(id, 'sieve-count', { n: UNITS_PER_CHUNK.length * chunkSize }, chunks.length, 1);
  store.insertJob(record, chunks);
  for (const chunk of chunks) {
    for (let u = 0; u < UNITS_PER_CHUNK[chunk.index]!; u++) {
      const lo = chunk.lo + u * UNIT_SIZE;
      store.acceptUnit({ jobId: id, chunkIndex: chunk.index, lo, hi: lo + UNIT_SIZE - 1, result: 1, volunteerIds: ['v'], confirmed: true });
    }
  }
  await store.flushed();
  // Moved out of the unit log into `units` (EVERY_UNIT_MOVED), where compaction deletes them in slices.
  await vi.waitFor(() => expect(rowsOf(store.file, 'unit_log', id)).toBe(0), { timeout: 5000, interval: 5 });
  return record;
}

/** Every unit is moved out of the log after the commit that logged it. */
const EVERY_UNIT_MOVED = { logLimits: { keptRows: 0, movedRows: 1 } };

/** A job's rows in a table; `units` counts those still in `unit_log` too. */
const rowsOf = (file: string, table: 'units' | 'unit_log' | 'chunks', jobId: string): number => {
  const db = new Database(file, { readonly: true });
  const count = (name: string) => db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM ${name} WHERE job_id = ?`).get(jobId)!.n;
  try {
    return table === 'units' ? count('units') + count('unit_log') : count(table);
  } finally {
    db.close();
  }
};

const TOTAL_UNITS = UNITS_PER_CHUNK.reduce((a, b) => a + b, 0);

test("compacting an ended job deletes every unit and chunk row of it, in slices, and nothing of another job's", async () => {
  const file = path.join(dir, 'jobs.db');
  const store = new SqliteJobStore(file, EVERY_UNIT_MOVED);
  try {
    const ended = await jobWithUnits(store, 'ended');
    await jobWithUnits(store, 'running');
    expect(rowsOf(file, 'units', 'ended')).toBe(TOTAL_UNITS);
    store.updateJob({ ...ended, state: 'SUCCESS', finishedAt: 2, answer: TOTAL_UNITS });
    store.compactJob('ended');
    // One slice per turn of the event loop: read what is left after each.
    const left = [rowsOf(file, 'units', 'ended')];
    const deadline = Date.now() + 5000;
    while (rowsOf(file, 'chunks', 'ended') > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      left.push(rowsOf(file, 'units', 'ended'));
    }
    expect(left.at(-1)).toBe(0);
    expect(rowsOf(file, 'chunks', 'ended')).toBe(0);
    const slices = left.slice(1).map((rows, i) => left[i]! - rows).filter((deleted) => deleted > 0);
    expect(slices.length).toBeGreaterThanOrEqual(4);
    // About 2,000 rows a slice (a slice takes whole chunks, sized from the last one's).
    expect(Math.max(...slices)).toBeLessThanOrEqual(4000);
    expect(rowsOf(file, 'units', 'running')).toBe(TOTAL_UNITS);
    expect(rowsOf(file, 'chunks', 'running')).toBe(UNITS_PER_CHUNK.length);
    expect(store.loadJobs().map((job) => job.record.id)).toEqual(['ended', 'running']);
  } finally {
    await store.close();
  }
});

test('a compaction cut short by a stop is finished when the file is opened again', async () => {
  const file = path.join(dir, 'jobs.db');
  const first = new SqliteJobStore(file, EVERY_UNIT_MOVED);
  const ended = await jobWithUnits(first, 'ended');
  first.updateJob({ ...ended, state: 'SUCCESS', finishedAt: 2, answer: TOTAL_UNITS });
  first.compactJob('ended');
  await new Promise((resolve) => setTimeout(resolve, 0));
  await first.close();
  expect(rowsOf(file, 'units', 'ended')).toBeGreaterThan(0);

  const second = new SqliteJobStore(file, EVERY_UNIT_MOVED);
  try {
    await vi.waitFor(() => expect(rowsOf(file, 'chunks', 'ended')).toBe(0), { timeout: 5000, interval: 5 });
    expect(rowsOf(file, 'units', 'ended')).toBe(0);
  } finally {
    await second.close();
  }
});

test('a compaction slice that fails is reported and tried again later, and deletes nothing meanwhile', async () => {
  const file = path.join(dir, 'jobs.db');
  const failures: string[] = [];
  const store = new SqliteJobStore(file, {
    ...EVERY_UNIT_MOVED,
    onBackgroundError: (error, task) => failures.push(`${task}: ${(error as Error).message}`),
  });
  try {
    const ended = await jobWithUnits(store, 'ended');
    execOnFile(file, "CREATE TRIGGER full_disk BEFORE DELETE ON units BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    store.updateJob({ ...ended, state: 'SUCCESS', finishedAt: 2, answer: TOTAL_UNITS });
    store.compactJob('ended');
    await vi.waitFor(() => expect(failures).toEqual(['compacting an ended job: database or disk is full']), { timeout: 5000, interval: 5 });
    expect(rowsOf(file, 'units', 'ended')).toBe(TOTAL_UNITS);
    expect(rowsOf(file, 'chunks', 'ended')).toBe(UNITS_PER_CHUNK.length);
    execOnFile(file, 'DROP TRIGGER full_disk');
    await vi.waitFor(() => expect(rowsOf(file, 'chunks', 'ended')).toBe(0), { timeout: 5000, interval: 20 });
    expect(rowsOf(file, 'units', 'ended')).toBe(0);
    expect(new Set(failures)).toEqual(new Set(['compacting an ended job: database or disk is full']));
  } finally {
    await store.close();
  }
});
