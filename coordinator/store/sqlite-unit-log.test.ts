import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { pendingJobRecord } from '../jobs/create-job.js';
import type { AcceptedUnit, JobRecord } from '../model.js';
import { execOnFile } from '../../test/support/sqlite-file.js';
import { SqliteJobStore } from './sqlite-store.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'store-unit-log-'));
  file = path.join(dir, 'jobs.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function insertJob(store: SqliteJobStore, id: string): JobRecord {
  const record = pendingJobRecord(id, 'sieve-count', { n: 2000 }, 2, 1);
  store.insertJob(record, [
    { jobId: id, index: 0, lo: 1, hi: 1000, accumulator: 0, donePositions: 0 },
    { jobId: id, index: 1, lo: 1001, hi: 2000, accumulator: 0, donePositions: 0 },
  ]);
  return record;
}

const unit = (jobId: string, lo: number, result: number): AcceptedUnit => ({
  jobId,
  chunkIndex: lo > 1000 ? 1 : 0,
  lo,
  hi: lo + 99,
  result,
  volunteerIds: ['v1'],
  confirmed: false,
});

/** Rows of each unit table, read by a connection of its own. */
function rows(): { log: number; units: number } {
  const db = new Database(file, { readonly: true });
  try {
    const count = (table: string) => db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
    return { log: count('unit_log'), units: count('units') };
  } finally {
    db.close();
  }
}

test('an acknowledged unit is durable in the log, and a store opened after a stop finds it', async () => {
  const first = new SqliteJobStore(file);
  insertJob(first, 'a');
  first.acceptUnit(unit('a', 1, 25));
  first.acceptUnit(unit('a', 1001, 16));
  await first.flushed();
  await first.close();
  expect(rows()).toEqual({ log: 2, units: 0 });

  const second = new SqliteJobStore(file);
  try {
    expect(rows()).toEqual({ log: 0, units: 2 });
    expect(second.unitsOfChunk('a', 0)).toEqual([unit('a', 1, 25)]);
    expect(second.unitsOfChunk('a', 1)).toEqual([unit('a', 1001, 16)]);
  } finally {
    await second.close();
  }
});

test('reads see the units still in the log, including those not yet committed', async () => {
  const store = new SqliteJobStore(file);
  try {
    insertJob(store, 'a');
    store.acceptUnit(unit('a', 101, 21));
    store.acceptUnit(unit('a', 1, 25));
    expect(store.unitsOfChunk('a', 0)).toEqual([unit('a', 1, 25), unit('a', 101, 21)]);
    expect(store.unconfirmedUnitsOf('v1')).toHaveLength(2);
  } finally {
    await store.close();
  }
});

test('a correction replaces the result, whether the first one was moved out of the log or not', async () => {
  // The log moves its two oldest units once it holds four.
  const store = new SqliteJobStore(file, { logLimits: { keptRows: 2, movedRows: 2 } });
  try {
    insertJob(store, 'a');
    for (const lo of [1, 101, 201, 301]) store.acceptUnit(unit('a', lo, 25));
    await store.flushed();
    await vi.waitFor(() => expect(rows()).toEqual({ log: 2, units: 2 }), { timeout: 5000, interval: 5 });
    store.correctUnit({ ...unit('a', 1, 26), confirmed: true });
    store.correctUnit({ ...unit('a', 201, 27), confirmed: true });
    await store.flushed();
    expect(rows()).toEqual({ log: 4, units: 2 });
    const corrected = [{ ...unit('a', 1, 26), confirmed: true }, unit('a', 101, 25), { ...unit('a', 201, 27), confirmed: true }, unit('a', 301, 25)];
    expect(store.unitsOfChunk('a', 0)).toEqual(corrected);
    expect(store.unconfirmedUnitsOf('v1').sort((x, y) => x.lo - y.lo)).toEqual([unit('a', 101, 25), unit('a', 301, 25)]);
    await store.close();
    const reopened = new SqliteJobStore(file);
    try {
      expect(rows()).toEqual({ log: 0, units: 4 });
      expect(reopened.unitsOfChunk('a', 0)).toEqual(corrected);
    } finally {
      await reopened.close();
    }
  } finally {
    await store.close();
  }
});

test("an ended job's units still in the log are deleted with it, not moved", async () => {
  const store = new SqliteJobStore(file, { logLimits: { keptRows: 0, movedRows: 2 } });
  try {
    const ended = insertJob(store, 'ended');
    insertJob(store, 'running');
    store.acceptUnit(unit('ended', 1, 25));
    store.acceptUnit(unit('running', 1, 25));
    store.updateJob({ ...ended, state: 'SUCCESS', finishedAt: 2, answer: 25 });
    await store.flushed();
    await vi.waitFor(() => expect(rows()).toEqual({ log: 0, units: 1 }), { timeout: 5000, interval: 5 });
    expect(store.unitsOfChunk('running', 0)).toEqual([unit('running', 1, 25)]);
    expect(store.unitsOfChunk('ended', 0)).toEqual([]);
  } finally {
    await store.close();
  }
});

test('a result of any shape comes out of the log as it went in', async () => {
  const store = new SqliteJobStore(file);
  try {
    insertJob(store, 'a');
    const results = [{ count: '18446744073709551557', gaps: [2, 4, 6], last: null }, 2 ** 53 + 2, 'text', 1.5e-7];
    results.forEach((result, i) => store.acceptUnit({ ...unit('a', 1 + 100 * i, 0), result, volunteerIds: ['v1', 'v2'] }));
    await store.flushed();
    expect(store.unitsOfChunk('a', 0).map((accepted) => accepted.result)).toEqual(results);
  } finally {
    await store.close();
  }
});

test('once the log holds movedRows more units than it keeps, the oldest are moved after their commit, without a read', async () => {
  const store = new SqliteJobStore(file, { logLimits: { keptRows: 100, movedRows: 50 } });
  try {
    insertJob(store, 'a');
    // Units of one position each, in chunk 0 and 1.
    for (let lo = 1; lo <= 149; lo++) store.acceptUnit({ ...unit('a', lo, 1), hi: lo });
    await store.flushed();
    await new Promise((resolve) => setImmediate(resolve));
    expect(rows()).toEqual({ log: 149, units: 0 });
    store.acceptUnit({ ...unit('a', 150, 1), hi: 150 });
    await store.flushed();
    await vi.waitFor(() => expect(rows()).toEqual({ log: 100, units: 50 }), { timeout: 5000, interval: 5 });
    expect(store.unitsOfChunk('a', 0).map((accepted) => accepted.lo)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  } finally {
    await store.close();
  }
});

test('a move that fails is reported, leaves every unit readable in the log, and is tried again later', async () => {
  const failures: string[] = [];
  const store = new SqliteJobStore(file, {
    logLimits: { keptRows: 0, movedRows: 2 },
    onBackgroundError: (error, task) => failures.push(`${task}: ${(error as Error).message}`),
  });
  try {
    insertJob(store, 'a');
    execOnFile(file, "CREATE TRIGGER full_disk BEFORE INSERT ON units BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    store.acceptUnit(unit('a', 1, 25));
    store.acceptUnit(unit('a', 101, 21));
    await store.flushed();
    await vi.waitFor(() => expect(failures).toEqual(['moving the unit log: database or disk is full']), { timeout: 5000, interval: 5 });
    expect(rows()).toEqual({ log: 2, units: 0 });
    expect(store.unitsOfChunk('a', 0)).toEqual([unit('a', 1, 25), unit('a', 101, 21)]);
    execOnFile(file, 'DROP TRIGGER full_disk');
    // The next commit after the retry delay moves everything logged by then.
    let lo = 201;
    await vi.waitFor(
      async () => {
        store.acceptUnit({ ...unit('a', lo, 1), hi: lo });
        lo++;
        await store.flushed();
        await new Promise((resolve) => setImmediate(resolve));
        expect(rows()).toEqual({ log: 0, units: lo - 201 + 2 });
      },
      { timeout: 5000, interval: 50 },
    );
    expect(store.unitsOfChunk('a', 0).slice(0, 2)).toEqual([unit('a', 1, 25), unit('a', 101, 21)]);
    expect(new Set(failures)).toEqual(new Set(['moving the unit log: database or disk is full']));
  } finally {
    await store.close();
  }
});

test('a batch older than 20 ms is committed once the handler writing to it returns, before the end of the turn', async () => {
  const store = new SqliteJobStore(file);
  try {
    insertJob(store, 'a');
    let turnEnded = false;
    setImmediate(() => (turnEnded = true));
    store.acceptUnit(unit('a', 1, 25));
    const startedAt = performance.now();
    // A long turn: the handlers of many messages run one after another.
    while (performance.now() - startedAt < 25);
    store.acceptUnit(unit('a', 101, 21));
    store.updateJob({ ...insertJob(store, 'b'), state: 'STARTED', startedAt: 3 });
    let committed = false;
    void store.flushed().then(() => (committed = true));
    for (let i = 0; i < 5 && !committed; i++) await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect({ committed, turnEnded }).toEqual({ committed: true, turnEnded: false });
    // The handler's writes after the batch grew old went in the same commit.
    expect(rows()).toEqual({ log: 2, units: 0 });
  } finally {
    await store.close();
  }
});
