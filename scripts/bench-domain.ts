/**
 * The coordinator's own work per unit without sockets: 1,000 trusted volunteers in this
 * process take a unit and report it, `--per-turn` results per turn of the event loop, against
 * the domain and a real SQLite store (`--jobs` sieve-count jobs of 1e8 in 128 chunks open at
 * a time, units of 1e5, as `npm run bench:load`'s stress mode, which keeps about 36 such jobs
 * open at 1,000 volunteers). Prints CPU microseconds per accepted unit (user and system): the
 * grant, the report, the vote, the acceptance and the batched write, without Socket.IO. A
 * benchmark, not a test.
 *
 *   npx tsx scripts/bench-domain.ts [--units 50000] [--per-turn 20] [--jobs 4]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../coordinator/config.js';
import { createDomain } from '../coordinator/domain.js';
import { createJob } from '../coordinator/jobs/create-job.js';
import { grantLeases } from '../coordinator/leases/grant-leases.js';
import { reportResult } from '../coordinator/leases/report-result.js';
import { registerVolunteer } from '../coordinator/leases/volunteers.js';
import { SqliteJobStore } from '../coordinator/store/sqlite-store.js';
import { trustPolicy } from '../coordinator/trust/trust-state.js';
import { SIEVE_COUNT } from '../shared/kinds/sieve-count/index.js';

const { values } = parseArgs({
  options: {
    units: { type: 'string', default: '50000' },
    'per-turn': { type: 'string', default: '20' },
    jobs: { type: 'string', default: '4' },
  },
});
const units = Number(values.units);
const perTurn = Number(values['per-turn']);
const concurrentJobs = Number(values.jobs);
const VOLUNTEERS = 1000;

const dir = mkdtempSync(path.join(tmpdir(), 'dpc-bench-domain-'));
const store = new SqliteJobStore(path.join(dir, 'coordinator.db'));
const d = createDomain({
  store,
  policy: { unitSize: 100_000, leaseTimeoutMs: 60_000, maxAttempts: 3 },
  trust: { ...trustPolicy(loadConfig({})), spotCheckRate: 0 },
  events: { jobChanged: () => {}, workAvailable: () => {}, unitAccepted: () => {}, leasesRevoked: () => {} },
});
const ids = Array.from({ length: VOLUNTEERS }, (_, i) => `volunteer-${i}`);
for (const id of ids) registerVolunteer(d, id, { kind: 'node', threads: 1 }, { network: 'operator', trusted: true });

/** The lease each volunteer holds. Counts are not checked: a trusted vote decides alone. */
const held = new Map<string, string>();
let accepted = 0;
let next = 0;
const cpuBefore = process.cpuUsage();
while (accepted < units) {
  while (d.active.size < concurrentJobs) createJob(d, SIEVE_COUNT, { n: 100_000_000 }, 128);
  for (let k = 0; k < perTurn; k++) {
    const id = ids[next++ % ids.length]!;
    const leaseId = held.get(id);
    if (leaseId !== undefined && reportResult(d, id, leaseId, 0) === 'accepted') accepted++;
    held.delete(id);
    const [lease] = grantLeases(d, id, 1);
    if (lease) held.set(id, lease.id);
  }
  await store.flushed();
}
const cpu = process.cpuUsage(cpuBefore);
const perUnit = (micros: number) => (micros / accepted).toFixed(1);
console.log(
  `${accepted} units, ${perTurn} results per turn: ${perUnit(cpu.user + cpu.system)} us of CPU per unit (user ${perUnit(cpu.user)}, system ${perUnit(cpu.system)})`,
);
store.close();
rmSync(dir, { recursive: true, force: true });
