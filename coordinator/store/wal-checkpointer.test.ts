/**
 * The store's write-ahead log is checkpointed by a thread of its own: the store's connection
 * never checkpoints (its automatic checkpoint is off), yet what it commits reaches the
 * database file within about a second.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import { SIEVE_COUNT } from '../../shared/kinds/sieve-count/index.js';
import { pendingJobRecord } from '../jobs/create-job.js';
import { tempDir, waitFor } from '../../test/support/harness.js';
import { SqliteJobStore } from './sqlite-store.js';

test('committed writes reach the database file by the checkpoint thread, with less in the log than a commit would checkpoint', async () => {
  using dir = tempDir();
  const file = path.join(dir.path, 'jobs.db');
  const store = new SqliteJobStore(file);
  try {
    const sizeBefore = statSync(file).size;
    // About 2 MB of rows: below SQLite's default of 1,000 pages (4 MB) of log before a commit
    // checkpoints, so only the thread copies them.
    for (let i = 0; i < 40; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      store.insertJob(pendingJobRecord(id, SIEVE_COUNT, { n: 1e9 }, 128, i), Array.from({ length: 128 }, (_, index) => ({ jobId: id, index, lo: index, hi: index, accumulator: 'x'.repeat(300), donePositions: 0 })));
    }
    const walSize = statSync(`${file}-wal`).size;
    expect(walSize).toBeGreaterThan(1_000_000);
    await waitFor('the checkpoint thread to copy the log into the database file', () => (statSync(file).size > sizeBefore + 1_000_000 ? true : undefined), 10_000);
    // A reader sees every row, whichever file holds it.
    const reader = new Database(file, { readonly: true });
    try {
      expect(reader.prepare('SELECT count(*) AS n FROM chunks').get()).toEqual({ n: 40 * 128 });
    } finally {
      reader.close();
    }
  } finally {
    await store.close();
  }
});
