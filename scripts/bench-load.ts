/**
 * Load benchmark: N simulated volunteers in this one process (real Socket.IO, honest, exact
 * counts) against a real coordinator process on 127.0.0.1. For each N it prints accepted
 * units per second, the coordinator's own CPU per accepted unit (from /proc, so the
 * simulator's CPU is not counted), ack latency p50/p99/max, /health p99, the coordinator's
 * RSS per connection, how many connections dropped and how many lease requests it shed.
 *
 *   npm run bench:load [-- --volunteers 100,1000,3000,10000 --seconds 20 --unit-size 1e5]
 *   npm run bench:load -- --mode realistic --unit-seconds 30 --seconds 60
 *
 * `stress` (default) forces tiny units (UNIT_SIZE) so the coordinator is the bottleneck;
 * `realistic` makes each simulated thread spend about `--unit-seconds` on every unit (spread
 * over [0.5, 1.5) of it) and heartbeat its lease like the real volunteer, to measure the
 * coordinator's CPU per 1,000 busy volunteer threads.
 * A benchmark, not a test: it prints figures and exits 1 only when a count is wrong.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { spawnCoordinator, tempDir } from '../test/support/harness.js';

const { values } = parseArgs({
  options: {
    volunteers: { type: 'string', default: '100,1000,3000,10000' },
    seconds: { type: 'string', default: '20' },
    mode: { type: 'string', default: 'stress' },
    'unit-size': { type: 'string', default: '1e5' },
    'unit-seconds': { type: 'string', default: '30' },
    jobs: { type: 'string', default: '4' },
    /** Writes a V8 CPU profile of the coordinator per level into this folder (node --cpu-prof). */
    profile: { type: 'string' },
  },
});
const counts = values.volunteers.split(',').map(Number);
const measureMs = Number(values.seconds) * 1000;
const realistic = values.mode === 'realistic';
const unitSeconds = Number(values['unit-seconds']);
const concurrentJobs = Number(values.jobs);
/** Jobs cycle over 1..JOB_N; every unit is answered from one sieve of that range. */
const JOB_N = 100_000_000;
const WORKER_TOKEN = 'bench-load-token';

// ---- exact counts from one sieve ----------------------------------------------------------

const BLOCK = 4096;
/** composite[i] for the odd number 2i + 1. */
const composite = new Uint8Array(JOB_N / 2 + 1);
/** primesBefore[b]: primes below b * BLOCK. */
const primesBefore = new Uint32Array(Math.ceil(JOB_N / BLOCK) + 2);
{
  composite[0] = 1;
  for (let p = 3; p * p <= JOB_N; p += 2) {
    if (composite[(p - 1) / 2]) continue;
    for (let m = p * p; m <= JOB_N; m += 2 * p) composite[(m - 1) / 2] = 1;
  }
  let count = 0;
  for (let x = 0; x <= JOB_N; x++) {
    if (x % BLOCK === 0) primesBefore[x / BLOCK] = count;
    if (isPrime(x)) count++;
  }
}
function isPrime(x: number): boolean {
  if (x < 2) return false;
  if (x % 2 === 0) return x === 2;
  return composite[(x - 1) / 2] === 0;
}
/** Primes in [0, x]. */
function pi(x: number): number {
  const block = Math.floor(x / BLOCK);
  let count = primesBefore[block]!;
  for (let y = block * BLOCK; y <= x; y++) if (isPrime(y)) count++;
  return count;
}
const countPrimes = (lo: number, hi: number) => pi(hi) - (lo > 0 ? pi(lo - 1) : 0);

// ---- measurement helpers --------------------------------------------------------------------

const percentile = (sorted: number[], q: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CLOCK_TICKS = 100;

function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
function processRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/\d+/.exec(line ?? '')?.[0] ?? 0) / 1024;
}

interface Tally {
  accepted: number;
  wrong: number;
  acks: number[];
  dropped: number;
  /** Lease requests the coordinator shed ("throttled, retry after"). */
  shed: number;
}

// ---- one simulated volunteer ----------------------------------------------------------------

interface Lease {
  leaseId: string;
  lo: number;
  hi: number;
}

class SimulatedVolunteer {
  private readonly socket: Socket;
  private running = true;
  private wake: (() => void) | undefined;
  private heartbeatMs = 20_000;

  constructor(apiUrl: string, private readonly tally: Tally) {
    this.socket = io(apiUrl, { transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket.on('work:available', () => this.wake?.());
    this.socket.on('disconnect', (reason) => {
      if (this.running && reason !== 'io client disconnect') this.tally.dropped++;
      this.running = false;
      this.wake?.();
    });
  }

  async connect(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('connect_error', reject);
    });
    const ack = (await this.call('volunteer:hello', { kind: 'node', threads: 1, token: WORKER_TOKEN })) as {
      ok: boolean;
      heartbeatMs?: number;
    };
    if (!ack.ok) throw new Error(`hello refused: ${JSON.stringify(ack)}`);
    this.heartbeatMs = ack.heartbeatMs ?? this.heartbeatMs;
  }

  /** Waits as long as a computation would take, heartbeating the lease as the real volunteer does. */
  private async computeFor(ms: number, leaseId: string): Promise<void> {
    const heartbeat = setInterval(() => void this.call('lease:heartbeat', { leaseIds: [leaseId] }).catch(() => undefined), this.heartbeatMs);
    await sleep(ms);
    clearInterval(heartbeat);
  }

  private async call(event: string, payload: unknown): Promise<unknown> {
    const started = performance.now();
    const response: unknown = await this.socket.timeout(30_000).emitWithAck(event, payload);
    this.tally.acks.push(performance.now() - started);
    return response;
  }

  async run(): Promise<void> {
    while (this.running) {
      let leases: Lease[] = [];
      try {
        const ack = (await this.call('lease:request', { slots: 1 })) as {
          ok: boolean;
          leases?: Lease[];
          error?: { code: string; retryAfterMs?: number };
        };
        if (!ack.ok && ack.error?.code === 'throttled') {
          this.tally.shed++;
          await sleep(ack.error.retryAfterMs ?? 250);
          continue;
        }
        leases = ack.leases ?? [];
      } catch {
        continue;
      }
      if (leases.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 500);
        });
        this.wake = undefined;
        continue;
      }
      for (const lease of leases) {
        const count = countPrimes(lease.lo, lease.hi);
        if (realistic) await this.computeFor(unitSeconds * 1000 * (0.5 + Math.random()), lease.leaseId);
        if (!this.running) return;
        try {
          const ack = (await this.call('lease:result', { leaseId: lease.leaseId, count })) as { ok: boolean; accepted?: boolean };
          if (ack.ok && ack.accepted) this.tally.accepted++;
        } catch {
          // A lost ack is counted by the latency list's absence; the lease expires on its own.
        }
      }
    }
  }

  close(): void {
    this.running = false;
    this.wake?.();
    this.socket.disconnect();
  }
}

// ---- one measured load level ----------------------------------------------------------------

async function keepJobsRunning(apiUrl: string, stop: () => boolean, tally: Tally, concurrentJobs: number): Promise<void> {
  const running = new Set<string>();
  while (!stop()) {
    for (const id of [...running]) {
      const view = (await (await fetch(`${apiUrl}/api/jobs/${id}`)).json()) as { state: string; result?: { prime_count: number } };
      if (view.state === 'SUCCESS') {
        if (view.result?.prime_count !== 5_761_455) tally.wrong++;
        running.delete(id);
      } else if (view.state === 'FAILURE' || view.state === 'REVOKED') {
        running.delete(id);
      }
    }
    while (running.size < concurrentJobs) {
      const response = await fetch(`${apiUrl}/api/count-primes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n: JOB_N, chunks: 128, method: 'sieve' }),
      });
      if (response.status !== 202) break;
      running.add(((await response.json()) as { job_id: string }).job_id);
    }
    await sleep(250);
  }
}

async function healthLatencies(apiUrl: string, stop: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!stop()) {
    const started = performance.now();
    await (await fetch(`${apiUrl}/health`)).json();
    latencies.push(performance.now() - started);
    await sleep(100);
  }
  return latencies;
}

async function measure(volunteers: number): Promise<string> {
  using data = tempDir();
  const env: Record<string, string> = {
    DATA_DIR: data.path,
    LOG_FORMAT: 'json',
    WORKER_TOKEN,
    SPOT_CHECK_RATE: '0',
    MAX_VOLUNTEERS: '0',
    SUBMIT_RATE_LIMIT: '0',
    MAX_CONNECTIONS_PER_NETWORK: '0',
    SHED_LAG: '40ms',
  };
  // Realistic mode too: the simulated time per unit is what matters, and small units keep
  // enough of them open for every volunteer (1,000 per job of 1e8).
  env['UNIT_SIZE'] = String(Number(values['unit-size']));
  await using coordinator = await spawnCoordinator(env, values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []);
  const pid = coordinator.child.pid!;
  const rssBefore = processRssMb(pid);
  const tally: Tally = { accepted: 0, wrong: 0, acks: [], dropped: 0, shed: 0 };

  const simulated: SimulatedVolunteer[] = [];
  for (let i = 0; i < volunteers; i += 100) {
    const batch = Array.from({ length: Math.min(100, volunteers - i) }, () => new SimulatedVolunteer(coordinator.apiUrl, tally));
    await Promise.all(batch.map((v) => v.connect()));
    simulated.push(...batch);
  }
  const rssConnected = processRssMb(pid);

  let stopped = false;
  const stop = () => stopped;
  const jobs = keepJobsRunning(coordinator.apiUrl, stop, tally, Math.max(concurrentJobs, Math.ceil(volunteers / 800)));
  const loops = simulated.map((v) => v.run());
  await sleep(Math.min(5000, measureMs / 4)); // warm-up: first grants, first jobs
  tally.acks = [];
  const acceptedBefore = tally.accepted;
  const cpuBefore = processCpuSeconds(pid);
  // The simulator's own CPU and loop delay: an ack waits in this process's loop too, so when
  // it is the one saturated, the ack latency is its queue rather than the coordinator's.
  const simulatorCpuBefore = process.cpuUsage();
  const simulatorLoop = monitorEventLoopDelay({ resolution: 10 });
  simulatorLoop.enable();
  const health = healthLatencies(coordinator.apiUrl, stop);
  const startedAt = performance.now();
  await sleep(measureMs);
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = processCpuSeconds(pid) - cpuBefore;
  const simulatorCpu = process.cpuUsage(simulatorCpuBefore);
  simulatorLoop.disable();
  const accepted = tally.accepted - acceptedBefore;
  const acks = [...tally.acks].sort((a, b) => a - b);
  stopped = true;
  const healthSorted = (await health).sort((a, b) => a - b);
  for (const v of simulated) v.close();
  await Promise.all(loops);
  await jobs;
  // A graceful stop, so a profile (when asked for) is written.
  coordinator.child.kill('SIGTERM');
  await coordinator.exited();

  const cells = [
    String(volunteers),
    (accepted / seconds).toFixed(0),
    accepted > 0 ? ((cpu / accepted) * 1000).toFixed(3) : '-',
    `${((cpu / seconds) * 100).toFixed(0)}%`,
    `${percentile(acks, 0.5).toFixed(1)} / ${percentile(acks, 0.99).toFixed(1)} / ${(acks.at(-1) ?? Number.NaN).toFixed(0)}`,
    percentile(healthSorted, 0.99).toFixed(1),
    (((rssConnected - rssBefore) * 1024) / volunteers).toFixed(1),
    String(tally.dropped),
    String(tally.shed),
    String(tally.wrong),
    `${(((simulatorCpu.user + simulatorCpu.system) / 1e6 / seconds) * 100).toFixed(0)}% / ${(simulatorLoop.percentile(99) / 1e6).toFixed(0)}`,
  ];
  if (realistic) cells.splice(4, 0, `${((cpu / seconds) * 100 / (volunteers / 1000)).toFixed(2)}%`);
  if (tally.wrong > 0) process.exitCode = 1;
  return `| ${cells.join(' | ')} |`;
}

console.log(
  `mode ${values.mode}${realistic ? ` (about ${unitSeconds} s per unit per thread)` : ` (UNIT_SIZE=${values['unit-size']})`}, ${values.seconds} s per level, 1 thread per volunteer`,
);
const headings = ['volunteers', 'units/s', 'coordinator CPU ms/unit', 'coordinator CPU'];
if (realistic) headings.push('CPU per 1,000 threads');
headings.push('ack p50 / p99 / max ms', '/health p99 ms', 'KB RSS per connection', 'dropped', 'shed requests', 'wrong jobs', 'simulator CPU / loop p99 ms');
console.log(`| ${headings.join(' | ')} |`);
console.log(`|${headings.map(() => '---|').join('')}`);
for (const volunteers of counts) console.log(await measure(volunteers));
process.exit(process.exitCode ?? 0);
