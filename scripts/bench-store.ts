/**
 * The SQLite store alone: accepted units spread over `--jobs` open jobs, `--per-commit` of
 * them between two waits for `flushed()` (a batch, as the coordinator's turns make them),
 * `--units` in all. A job ends after `--job-units` units (then it is compacted and a new one
 * takes its place; 0: jobs never end), as the load benchmark's jobs of pi(1e8) in units of
 * 1e5 do after 1,000. Prints the process's CPU microseconds per unit (user and system, so
 * the checkpoint thread, the moves out of the unit log and the compactions are counted), and
 * the longest the event loop was held meanwhile (a move of the unit log is the longest). A
 * benchmark, not a test.
 *
 *   npx tsx scripts/bench-store.ts [--jobs 36] [--per-commit 80] [--job-units 1000] [--units 200000]
 */
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pendingJobRecord } from '../coordinator/jobs/create-job.js';
import type { AcceptedUnit, JobRecord } from '../coordinator/model.js';
import { SqliteJobStore } from '../coordinator/store/sqlite-store.js';
import { tempDir } from '../test/support/harness.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '36' },
    'per-commit': { type: 'string', default: '80' },
    'job-units': { type: 'string', default: '1000' },
    units: { type: 'string', default: '200000' },
  },
});
const jobs = Number(values.jobs);
const perCommit = Number(values['per-commit']);
const jobUnits = Number(values['job-units']);
const units = Number(values.units);
const CHUNKS = 128;
const UNIT_SIZE = 100_000;
/** Units per chunk: chunks of 1e9 in units of 1e5. */
const UNITS_PER_CHUNK = 10_000;

using data = tempDir();
const store = new SqliteJobStore(`${data.path}/coordinator.db`);

interface OpenJob {
  record: JobRecord;
  accepted: number;
}

let jobsCreated = 0;
function newJob(): OpenJob {
  const id = `bench-store-job-${String(jobsCreated++).padStart(6, '0')}`;
  const chunks = Array.from({ length: CHUNKS }, (_, index) => ({
    jobId: id,
    index,
    lo: index * UNIT_SIZE * UNITS_PER_CHUNK + 1,
    hi: (index + 1) * UNIT_SIZE * UNITS_PER_CHUNK,
    accumulator: 0,
    donePositions: 0,
  }));
  const record = pendingJobRecord(id, 'sieve-count', { n: CHUNKS * UNIT_SIZE * UNITS_PER_CHUNK }, CHUNKS, 1);
  store.insertJob(record, chunks);
  return { record, accepted: 0 };
}

const open = Array.from({ length: jobs }, newJob);

/** The next unit of the `slot`th open job: jobs take turns, as a fair scheduler shares them. */
function unitOf(slot: number): AcceptedUnit {
  let job = open[slot]!;
  if (jobUnits > 0 && job.accepted === jobUnits) {
    store.updateJob({ ...job.record, state: 'SUCCESS', finishedAt: 2, completedChunks: CHUNKS, answer: 0 });
    store.compactJob(job.record.id);
    job = open[slot] = newJob();
  }
  const ordinal = job.accepted++;
  const lo = ordinal * UNIT_SIZE + 1;
  return {
    jobId: job.record.id,
    chunkIndex: Math.floor(ordinal / UNITS_PER_CHUNK),
    lo,
    hi: lo + UNIT_SIZE - 1,
    result: 9592,
    volunteerIds: ['4f1c2d9e-7a3b-4c5d-9e8f-0a1b2c3d4e5f'],
    confirmed: true,
  };
}

const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
let accepted = 0;
const cpuBefore = process.cpuUsage();
const startedAt = performance.now();
while (accepted < units) {
  for (let i = 0; i < perCommit && accepted < units; i++, accepted++) store.acceptUnit(unitOf(accepted % jobs));
  await store.flushed();
}
const cpu = process.cpuUsage(cpuBefore);
const wallMs = performance.now() - startedAt;
loopDelay.disable();

console.log(
  `${jobs} jobs of ${jobUnits > 0 ? `${jobUnits} units` : 'endless units'}, ${perCommit} units per commit, ${units} units: ` +
    `${((cpu.user + cpu.system) / units).toFixed(1)} µs CPU per unit (${((wallMs * 1000) / units).toFixed(1)} µs wall, ` +
    `commits at most every 10 ms); the event loop held ${(loopDelay.max / 1e6).toFixed(1)} ms at most`,
);
await store.close();
