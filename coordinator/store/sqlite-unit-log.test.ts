import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { pendingJobRecord } from '../jobs/create-job.js';
import type { AcceptedUnit, JobRecord } from '../model.js';
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
  const store = new SqliteJobStore(file);
  try {
    insertJob(store, 'a');
    store.acceptUnit(unit('a', 1, 25));
    store.acceptUnit(unit('a', 101, 21));
    await store.flushed();
    expect(store.unitsOfChunk('a', 0)).toHaveLength(2);
    store.correctUnit({ ...unit('a', 1, 26), confirmed: true });
    await store.flushed();
    store.correctUnit({ ...unit('a', 1, 27), confirmed: true });
    await store.flushed();
    expect(rows()).toEqual({ log: 2, units: 2 });
    expect(store.unitsOfChunk('a', 0)).toEqual([{ ...unit('a', 1, 27), confirmed: true }, unit('a', 101, 21)]);
    expect(rows()).toEqual({ log: 0, units: 2 });
  } finally {
    await store.close();
  }
});

test("an ended job's units still in the log are dropped with it, not moved", async () => {
  const store = new SqliteJobStore(file);
  try {
    const ended = insertJob(store, 'ended');
    insertJob(store, 'running');
    store.acceptUnit(unit('ended', 1, 25));
    store.acceptUnit(unit('running', 1, 25));
    store.updateJob({ ...ended, state: 'SUCCESS', finishedAt: 2, answer: 25 });
    await store.flushed();
    expect(rows()).toEqual({ log: 2, units: 0 });
    expect(store.unitsOfChunk('running', 0)).toEqual([unit('running', 1, 25)]);
    expect(rows()).toEqual({ log: 0, units: 1 });
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

test('once 2,000 units are logged they are moved into units after their commit, without a read', async () => {
  const store = new SqliteJobStore(file);
  try {
    insertJob(store, 'a');
    // 2,000 units of one position each, in chunk 0 and 1.
    for (let lo = 1; lo <= 2000; lo++) store.acceptUnit({ ...unit('a', lo, 1), hi: lo });
    await store.flushed();
    expect(rows().log + rows().units).toBe(2000);
    await vi.waitFor(() => expect(rows()).toEqual({ log: 0, units: 2000 }), { timeout: 5000, interval: 5 });
  } finally {
    await store.close();
  }
});
