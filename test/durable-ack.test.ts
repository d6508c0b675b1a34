/**
 * The coordinator batches its store writes; a volunteer's result must still be acknowledged
 * only once it is in the database file. Checked against a coordinator process and its real
 * SQLite file, read by another connection the moment each acknowledgement arrives.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import { connectSocket, holdOneUnit, type TestSocket, spawnCoordinator, submitJob, tempDir, TEST_WORKER_TOKEN } from './support/harness.js';

const UNITS = 20;
const UNIT_SIZE = 1000;

/** Primes in [lo, hi], by trial division (the units are small). */
function countPrimes(lo: number, hi: number): number {
  let count = 0;
  for (let x = Math.max(lo, 2); x <= hi; x++) {
    let prime = true;
    for (let p = 2; p * p <= x; p++) {
      if (x % p === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

type Lease = { leaseId: string; lo: number; hi: number };

/** One lease; a request the coordinator sheds ("throttled", when the machine is busy) is asked again when it says. */
async function requestOne(client: TestSocket): Promise<Lease> {
  for (;;) {
    const ack = (await client.call('lease:request', { slots: 1 })) as
      | { ok: true; leases: Lease[] }
      | { ok: false; error: { code: string; retryAfterMs?: number } };
    if (ack.ok) {
      expect(ack.leases).toHaveLength(1);
      return ack.leases[0]!;
    }
    expect(ack.error.code).toBe('throttled');
    await new Promise((resolve) => setTimeout(resolve, ack.error.retryAfterMs ?? 250));
  }
}

test("a result's acknowledgement comes after its unit row is in the SQLite file", async () => {
  using data = tempDir();
  await using coordinator = await spawnCoordinator({ DATA_DIR: data.path, UNIT_SIZE: String(UNIT_SIZE) });
  const jobId = await submitJob(coordinator.apiUrl, (UNITS + 1) * UNIT_SIZE, 1);
  // The held unit keeps the job running, so no row is compacted away while it is read.
  await using _held = await holdOneUnit(coordinator.apiUrl);
  await using client = await connectSocket(coordinator.apiUrl);
  expect(await client.call('volunteer:hello', { kind: 'node', threads: 1, token: TEST_WORKER_TOKEN })).toMatchObject({ ok: true });
  const file = new Database(path.join(data.path, 'coordinator.db'), { readonly: true, fileMustExist: true });
  // An accepted unit is in the unit log until the store moves it into `units` in bulk.
  const rowOf = file.prepare<[string, number], { result: string }>(
    `SELECT result FROM (SELECT result, job_id, lo FROM unit_log UNION ALL SELECT result, job_id, lo FROM units)
     WHERE job_id = ? AND lo = ?`,
  );
  try {
    for (let i = 0; i < UNITS; i++) {
      const lease = await requestOne(client);
      const count = countPrimes(lease.lo, lease.hi);
      const rowWhenAcked = await new Promise<{ result: string } | undefined>((resolve) => {
        client.socket.emit('lease:result', { leaseId: lease.leaseId, count }, (response: { ok: boolean; accepted: boolean }) => {
          expect(response).toEqual({ ok: true, accepted: true });
          // Read at once, before anything else runs in this process.
          resolve(rowOf.get(jobId, lease.lo));
        });
      });
      expect(rowWhenAcked).toEqual({ result: String(count) });
    }
    const rows = file.prepare<[string, string], { n: number }>(
      'SELECT (SELECT count(*) FROM unit_log WHERE job_id = ?) + (SELECT count(*) FROM units WHERE job_id = ?) AS n',
    );
    expect(rows.get(jobId, jobId)).toEqual({ n: UNITS });
  } finally {
    file.close();
  }
});
