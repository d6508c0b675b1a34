/**
 * The SQLite store alone: accepted units spread over `--jobs` open jobs, `--per-commit` of
 * them between two waits for `flushed()` (a batch, as the coordinator's turns make them),
 * `--units` in all. Prints the process's CPU microseconds per unit (user and system, so the
 * checkpoint thread and the moves out of the unit log are counted), then how long one move
 * of the unit log into `units` holds the event loop, for 2,000 logged units across those
 * jobs. A benchmark, not a test.
 *
 *   npx tsx scripts/bench-store.ts [--jobs 36] [--per-commit 80] [--units 200000]
 */
import { parseArgs } from 'node:util';
import { pendingJobRecord } from '../coordinator/jobs/create-job.js';
import type { AcceptedUnit } from '../coordinator/model.js';
import { SqliteJobStore } from '../coordinator/store/sqlite-store.js';
import { tempDir } from '../test/support/harness.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '36' },
    'per-commit': { type: 'string', default: '80' },
    units: { type: 'string', default: '200000' },
  },
});
const jobs = Number(values.jobs);
const perCommit = Number(values['per-commit']);
const units = Number(values.units);
const CHUNKS = 128;
const UNIT_SIZE = 100_000;
/** Units per chunk: chunks of 1e9 in units of 1e5. */
const UNITS_PER_CHUNK = 10_000;
/** Logged units moved at once by the store (DRAIN_ROWS), for the second figure. */
const MOVED = 2000;

using data = tempDir();
const store = new SqliteJobStore(`${data.path}/coordinator.db`);
const jobIds = Array.from({ length: jobs }, (_, i) => `bench-store-job-${String(i).padStart(4, '0')}`);
for (const id of jobIds) {
  const chunks = Array.from({ length: CHUNKS }, (_, index) => ({
    jobId: id,
    index,
    lo: index * UNIT_SIZE * UNITS_PER_CHUNK + 1,
    hi: (index + 1) * UNIT_SIZE * UNITS_PER_CHUNK,
    accumulator: 0,
    donePositions: 0,
  }));
  store.insertJob(pendingJobRecord(id, 'sieve-count', { n: CHUNKS * UNIT_SIZE * UNITS_PER_CHUNK }, CHUNKS, 1), chunks);
}
const nextUnit = new Map(jobIds.map((id) => [id, 0]));
/** The next unit of the job `accepted` units in: jobs take turns, as a fair scheduler shares them. */
function unitAt(accepted: number): AcceptedUnit {
  const jobId = jobIds[accepted % jobs]!;
  const ordinal = nextUnit.get(jobId)!;
  nextUnit.set(jobId, ordinal + 1);
  const lo = ordinal * UNIT_SIZE + 1;
  return {
    jobId,
    chunkIndex: Math.floor(ordinal / UNITS_PER_CHUNK),
    lo,
    hi: lo + UNIT_SIZE - 1,
    result: 9592,
    volunteerIds: ['4f1c2d9e-7a3b-4c5d-9e8f-0a1b2c3d4e5f'],
    confirmed: true,
  };
}

let accepted = 0;
const cpuBefore = process.cpuUsage();
const startedAt = performance.now();
while (accepted < units) {
  for (let i = 0; i < perCommit && accepted < units; i++, accepted++) store.acceptUnit(unitAt(accepted));
  await store.flushed();
}
const cpu = process.cpuUsage(cpuBefore);
const wallMs = performance.now() - startedAt;

// A read moves everything logged first: time one such move (the read itself finds nothing).
store.unitsOfChunk(jobIds[0]!, CHUNKS - 1);
for (let i = 0; i < MOVED - 1; i++, accepted++) store.acceptUnit(unitAt(accepted));
await store.flushed();
const moveStartedAt = performance.now();
store.unitsOfChunk(jobIds[0]!, CHUNKS - 1);
const moveMs = performance.now() - moveStartedAt;

console.log(
  `${jobs} jobs, ${perCommit} units per commit, ${units} units: ${((cpu.user + cpu.system) / units).toFixed(1)} µs CPU per unit ` +
    `(${((wallMs * 1000) / units).toFixed(1)} µs wall, commits at most every 10 ms); moving ${MOVED - 1} logged units: ${moveMs.toFixed(1)} ms`,
);
await store.close();
