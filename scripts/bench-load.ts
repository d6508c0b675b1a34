/**
 * Load benchmark: N simulated volunteers (real Socket.IO, honest, exact counts; in this
 * process or in child processes, see `--processes`) against a real coordinator process on 127.0.0.1. For each N it prints accepted
 * units per second, the coordinator's own CPU per accepted unit (from /proc, so the
 * simulator's CPU is not counted), ack latency p50/p99/max, /health p99 (what a client sees:
 * request sent to answer parsed, one request every 100 ms on a fixed schedule from this process; beside it the probe's
 * own event-loop delay p99, so a late probe is not taken for a late coordinator), the coordinator's
 * RSS per connection, how many connections dropped and how many lease requests it shed, and
 * the simulator's own CPU (a simulator near 100% of a core measures its own delays).
 *
 *   npm run bench:load [-- --volunteers 100,1000,3000,10000 --seconds 20 --unit-size 1e5]
 *   npm run bench:load -- --mode realistic --unit-seconds 30 --seconds 60
 *
 * `stress` (default) forces tiny units (UNIT_SIZE) so the coordinator is the bottleneck;
 * `realistic` makes each simulated thread spend about `--unit-seconds` on every unit (spread
 * over [0.5, 1.5) of it) and behave like the real volunteer (one unit in hand beside the one
 * computed, heartbeats with progress), to measure the coordinator's CPU per 1,000 busy
 * volunteer threads.
 * `--processes N` runs the volunteers in N child processes (default 2; 0 = in this process),
 * so 10,000 sockets do not delay this process's own /health probe, and in stress mode the
 * acks are not timed by one simulator busy half a core (at 1,000 volunteers in one process,
 * ack p99 was 633 ms against 101 ms in two, at the same coordinator CPU per unit);
 * `--watchers N` adds pages watching the swarm and every job.
 * `--job-n 1e9` submits jobs of pi(1e9) instead of pi(1e8): ten times fewer jobs at a time,
 * of ten times more units (the coordinator's CPU per unit grows with the number of jobs open
 * at once); each process that runs volunteers then sieves to 1e9 once (about 0.5 GB).
 * A benchmark, not a test: it prints figures and exits 1 only when a count is wrong.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { loadavg, setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
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
    'job-n': { type: 'string', default: '1e8' },
    processes: { type: 'string' },
    watchers: { type: 'string', default: '0' },
    /** The coordinator's SHED_LAG. */
    'shed-lag': { type: 'string', default: '20ms' },
    /** Writes a V8 CPU profile of the coordinator per level into this folder (node --cpu-prof). */
    profile: { type: 'string' },
  },
});
const counts = values.volunteers.split(',').map(Number);
const measureMs = Number(values.seconds) * 1000;
const realistic = values.mode === 'realistic';
const unitSeconds = Number(values['unit-seconds']);
const concurrentJobs = Number(values.jobs);
const processes = Number(values.processes ?? 2);
const watchers = Number(values.watchers);
/** Set in the child processes that run volunteers for the bench (see `--processes`). */
const FLEET_ROLE = 'BENCH_LOAD_FLEET';
/** pi(n) for the job sizes `--job-n` takes: every finished job's answer is checked. */
const PI_OF_JOB_N: ReadonlyMap<number, number> = new Map([
  [1e8, 5_761_455],
  [1e9, 50_847_534],
]);
/** Jobs count the primes up to JOB_N by the sieve (`auto` would choose the combinatorial method); every unit is answered from one sieve of that range. */
const JOB_N = Number(values['job-n']);
const JOB_PRIME_COUNT = PI_OF_JOB_N.get(JOB_N);
if (JOB_PRIME_COUNT === undefined) throw new Error(`--job-n takes ${[...PI_OF_JOB_N.keys()].join(' or ')}, not ${values['job-n']}`);
const WORKER_TOKEN = 'bench-load-token';
const PROBE_DELAY_RESOLUTION_MS = 10;
const HEALTH_PROBE_MS = 100;

// ---- exact counts from one sieve ----------------------------------------------------------

const BLOCK = 4096;
/** composite[i] for the odd number 2i + 1; primesBefore[b]: primes below b * BLOCK. Built on first use (only where volunteers run). */
let sieve: { composite: Uint8Array; primesBefore: Uint32Array } | undefined;
function sieveOnce(): { composite: Uint8Array; primesBefore: Uint32Array } {
  if (sieve) return sieve;
  const composite = new Uint8Array(JOB_N / 2 + 1);
  const primesBefore = new Uint32Array(Math.ceil(JOB_N / BLOCK) + 2);
  composite[0] = 1;
  for (let p = 3; p * p <= JOB_N; p += 2) {
    if (composite[(p - 1) / 2]) continue;
    for (let m = p * p; m <= JOB_N; m += 2 * p) composite[(m - 1) / 2] = 1;
  }
  let count = 0;
  for (let x = 0; x <= JOB_N; x++) {
    if (x % BLOCK === 0) primesBefore[x / BLOCK] = count;
    if (x === 2 || (x % 2 === 1 && composite[(x - 1) / 2] === 0)) count++;
  }
  sieve = { composite, primesBefore };
  return sieve;
}
function isPrime(x: number): boolean {
  if (x < 2) return false;
  if (x % 2 === 0) return x === 2;
  return sieveOnce().composite[(x - 1) / 2] === 0;
}
/** Primes in [0, x]. */
function pi(x: number): number {
  const block = Math.floor(x / BLOCK);
  let count = sieveOnce().primesBefore[block]!;
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
/** The fewest connections whose RSS growth is printed per connection. */
const RSS_MIN_CONNECTIONS = 1000;
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
  /** Leases the coordinator took back from a volunteer still computing them (expired, held too long). */
  revoked: number;
  /** Socket.IO messages between the volunteers and the coordinator, both ways (an acknowledgement is one). */
  messages: number;
  /**
   * The simulator's own event-loop delay p99 since the mark, in ms (the largest of its
   * processes): an acknowledgement that arrives while its loop is late is timed late too.
   */
  loopDelayMs: number;
}

// ---- one simulated volunteer ----------------------------------------------------------------

interface Lease {
  leaseId: string;
  lo: number;
  hi: number;
}

interface GrantAnswer {
  ok: boolean;
  leases?: Lease[];
  error?: { code: string; retryAfterMs?: number };
}

/**
 * The real volunteer's rules (client/volunteer.ts), for one thread: units held beyond the one
 * computed (PREFETCH_UNITS, or up to MAX_PREFETCH_UNITS when units take milliseconds); units
 * quicker than BATCH_UNIT_MS report several per message, once half of those in hand are done
 * or after RESULT_BATCH_WAIT_MS; the fallback poll when the coordinator had no work.
 */
const PREFETCHED = realistic ? 1 : 16;
const BATCH_UNIT_MS = 50;
const RESULT_BATCH_WAIT_MS = 200;
const MAX_RESULTS_PER_MESSAGE = 64;
const IDLE_POLL_MS = 5000;

/**
 * One volunteer of one thread, following the real one's loop: it asks for a unit for its
 * thread and those it keeps in hand; reports results with the request for the next units in
 * the same message (`next`), several results per message when units are short (`more`);
 * sends heartbeats for the leases it holds with the computed one's progress; asks again when
 * told work:available. Its thread spends about `--unit-seconds` on each unit in realistic
 * mode, and nothing in stress mode (a timer turn: the count comes from one sieve).
 */
class SimulatedVolunteer {
  private readonly socket: Socket;
  private running = true;
  private heartbeatMs = 20_000;
  /** The leases held and not yet computed or being computed, in the order granted. */
  private readonly held = new Map<string, Lease>();
  /** Computed units whose results wait to go out together. */
  private readonly pending: Lease[] = [];
  private computing: { leaseId: string; startedAt: number; ms: number } | undefined;
  private requesting = false;
  private askAgain = false;
  private pollPending = false;
  private resultTimer: NodeJS.Timeout | undefined;
  private heartbeatAccepted = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private finished: (() => void) | undefined;

  constructor(apiUrl: string, private readonly tally: Tally) {
    this.socket = io(apiUrl, { transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket.on('work:available', () => {
      this.tally.messages++;
      void this.fill();
    });
    this.socket.on('lease:revoked', (payload: { leaseIds: string[] }) => {
      this.tally.messages++;
      for (const leaseId of payload.leaseIds) {
        if (this.held.delete(leaseId)) this.tally.revoked++;
        if (this.computing?.leaseId === leaseId) this.computing = undefined;
      }
      this.computeNext();
      void this.fill();
    });
    this.socket.on('disconnect', (reason) => {
      if (this.running && reason !== 'io client disconnect') this.tally.dropped++;
      this.stopRunning();
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
    this.startHeartbeat();
  }

  run(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.finished = resolve));
    void this.fill();
    return done;
  }

  private async call(event: string, payload: unknown): Promise<unknown> {
    const started = performance.now();
    this.tally.messages++;
    const response: unknown = await this.socket.timeout(30_000).emitWithAck(event, payload);
    this.tally.messages++;
    this.tally.acks.push(performance.now() - started);
    return response;
  }

  private later(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  /** Units to ask for: the thread's and those kept in hand, less those held or waiting to be reported. */
  private wanted(): number {
    return this.running ? 1 + PREFETCHED - this.held.size - this.pending.length : 0;
  }

  /** Asks for units by a lease:request (results ask for theirs with `next`). */
  private async fill(): Promise<void> {
    if (this.requesting) {
      this.askAgain = true;
      return;
    }
    const slots = this.wanted();
    if (slots <= 0) return;
    this.requesting = true;
    this.askAgain = false;
    let answer: GrantAnswer | undefined;
    try {
      answer = (await this.call('lease:request', { slots })) as GrantAnswer;
    } catch {
      answer = undefined;
    }
    this.granted(answer, slots);
  }

  /** The answer to a request for `slots` units: a lease:request's ack, or the `next` of a result's. */
  private granted(answer: GrantAnswer | undefined, slots: number): void {
    this.requesting = false;
    let retryAfterMs: number | undefined;
    if (answer === undefined) retryAfterMs = 250;
    else if (!answer.ok && answer.error?.code === 'throttled') {
      this.tally.shed++;
      retryAfterMs = answer.error.retryAfterMs ?? 250;
    }
    const leases = answer?.leases ?? [];
    for (const lease of leases) this.held.set(lease.leaseId, lease);
    this.computeNext();
    if (retryAfterMs !== undefined) this.schedulePoll(retryAfterMs);
    else if (this.askAgain) void this.fill();
    else if (leases.length < slots) this.schedulePoll(IDLE_POLL_MS);
  }

  /** One poll pending at most, as in the real volunteer. */
  private schedulePoll(ms: number): void {
    if (this.pollPending) return;
    this.pollPending = true;
    this.later(ms, () => {
      this.pollPending = false;
      void this.fill();
    });
  }

  /** The thread takes the next unit held. */
  private computeNext(): void {
    if (!this.running || this.computing) return;
    const lease = this.held.values().next().value;
    if (!lease) return;
    const ms = realistic ? unitSeconds * 1000 * (0.5 + Math.random()) : 0;
    this.computing = { leaseId: lease.leaseId, startedAt: performance.now(), ms };
    this.later(ms, () => {
      if (this.computing?.leaseId !== lease.leaseId) return; // taken back meanwhile
      this.computing = undefined;
      // Like the real volunteer: a finished unit is no longer held (nor heartbeated) while its result waits or goes out.
      if (!this.running || !this.held.delete(lease.leaseId)) return;
      this.pending.push(lease);
      this.computeNext();
      this.reportWhenDue(ms);
    });
  }

  private reportWhenDue(unitMs: number): void {
    const due =
      unitMs >= BATCH_UNIT_MS ||
      this.pending.length > MAX_RESULTS_PER_MESSAGE ||
      this.pending.length >= Math.ceil(PREFETCHED / 2) ||
      (this.held.size <= 1 && !this.requesting);
    if (due) {
      void this.flush();
      return;
    }
    this.resultTimer ??= this.later(RESULT_BATCH_WAIT_MS, () => {
      this.resultTimer = undefined;
      void this.flush();
    });
  }

  /** Sends the results waiting, in one message with a request for the next units when none is in flight. */
  private async flush(): Promise<void> {
    if (this.resultTimer) clearTimeout(this.resultTimer);
    this.resultTimer = undefined;
    const batch = this.pending.splice(0, 1 + MAX_RESULTS_PER_MESSAGE);
    const [first, ...others] = batch;
    if (first === undefined) return;
    const slots = this.requesting ? 0 : Math.max(0, this.wanted());
    if (slots > 0) {
      this.requesting = true;
      this.askAgain = false;
    }
    const report = (lease: Lease) => ({ leaseId: lease.leaseId, count: countPrimes(lease.lo, lease.hi) });
    const payload = {
      ...report(first),
      ...(others.length > 0 ? { more: others.map(report) } : {}),
      ...(slots > 0 ? { next: { slots } } : {}),
    };
    let ack: { ok: boolean; accepted?: boolean; moreAccepted?: boolean[]; next?: GrantAnswer } | undefined;
    try {
      ack = (await this.call('lease:result', payload)) as typeof ack;
    } catch {
      // A lost ack is counted by the latency list's absence; the leases expire on their own.
    }
    if (ack?.ok) this.tally.accepted += (ack.accepted ? 1 : 0) + (ack.moreAccepted ?? []).filter(Boolean).length;
    if (slots > 0) this.granted(ack?.ok ? ack.next : undefined, slots);
    else void this.fill();
  }

  /**
   * One heartbeat for every lease held, with the computed one's progress, as the real
   * volunteer sends; like it, from the hello on, the first at a random point of the first
   * period (started together for the whole fleet, 10,000 heartbeats came in one burst).
   */
  private startHeartbeat(): void {
    const beat = () => {
      if (this.held.size === 0) return;
      const leaseIds = [...this.held.keys()];
      const computing = this.computing;
      const progress = computing && computing.ms > 0 ? { [computing.leaseId]: Math.min(1, (performance.now() - computing.startedAt) / computing.ms) } : undefined;
      const payload = progress ? { leaseIds, progress } : { leaseIds };
      // Like the real volunteer: once one heartbeat was acknowledged, the next go without an acknowledgement.
      if (this.heartbeatAccepted) {
        this.tally.messages++;
        this.socket.emit('lease:heartbeat', payload);
      } else void this.call('lease:heartbeat', payload).then((ack) => (this.heartbeatAccepted = (ack as { ok: boolean }).ok), () => undefined);
    };
    this.later(Math.random() * this.heartbeatMs, () => {
      beat();
      this.timers.add(setInterval(beat, this.heartbeatMs));
    });
  }

  private stopRunning(): void {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.finished?.();
  }

  close(): void {
    this.stopRunning();
    this.socket.disconnect();
  }
}

// ---- the volunteers, in this process or in child processes ---------------------------------

/** A group of simulated volunteers, driven by the measuring process. */
interface Fleet {
  /** The processes the volunteers run in (their CPU is printed, to see whether they keep up). */
  readonly pids: number[];
  connect(apiUrl: string, volunteers: number): Promise<void>;
  run(): Promise<void>;
  /** Forgets the acks seen so far (the warm-up) and returns the tally. */
  mark(): Promise<Tally>;
  read(): Promise<Tally>;
  /** Closes every volunteer once their loops ended; returns the final tally. */
  stop(): Promise<Tally>;
}

function emptyTally(): Tally {
  return { accepted: 0, wrong: 0, acks: [], dropped: 0, shed: 0, revoked: 0, messages: 0, loopDelayMs: 0 };
}

function localFleet(): Fleet {
  const tally = emptyTally();
  const simulated: SimulatedVolunteer[] = [];
  let loops: Promise<void>[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: PROBE_DELAY_RESOLUTION_MS });
  loopDelay.enable();
  // The histogram holds whole timer periods: the delay is what exceeds the period.
  const copy = (): Tally => ({ ...tally, acks: [...tally.acks], loopDelayMs: Math.max(0, loopDelay.percentile(99) / 1e6 - PROBE_DELAY_RESOLUTION_MS) });
  return {
    pids: [process.pid],
    async connect(apiUrl, volunteers) {
      for (let i = 0; i < volunteers; i += 100) {
        const batch = Array.from({ length: Math.min(100, volunteers - i) }, () => new SimulatedVolunteer(apiUrl, tally));
        await Promise.all(batch.map((v) => v.connect()));
        simulated.push(...batch);
      }
    },
    async run() {
      loops = simulated.map((v) => v.run());
    },
    async mark() {
      tally.acks = [];
      loopDelay.reset();
      return copy();
    },
    async read() {
      return copy();
    },
    async stop() {
      for (const v of simulated) v.close();
      await Promise.all(loops);
      loopDelay.disable();
      return copy();
    },
  };
}

type FleetCommand = { id: number; op: 'connect'; apiUrl: string; volunteers: number } | { id: number; op: 'run' | 'mark' | 'read' | 'stop' };
type FleetReply = { id: number; tally?: Tally; error?: string };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The volunteers in a child process running this script (FLEET_ROLE set), driven over IPC. */
function childFleet(): Fleet {
  const child = fork(fileURLToPath(import.meta.url), process.argv.slice(2), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, [FLEET_ROLE]: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Below the coordinator's priority: on a shared machine the volunteers stand for other hosts.
  setPriority(child.pid!, 10);
  let nextId = 0;
  const waiting = new Map<number, { resolve: (tally: Tally) => void; reject: (error: Error) => void }>();
  child.on('message', (reply: FleetReply) => {
    const pending = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.error !== undefined) pending?.reject(new Error(reply.error));
    else pending?.resolve(reply.tally ?? emptyTally());
  });
  child.on('exit', (code) => {
    for (const pending of waiting.values()) pending.reject(new Error(`a volunteer process exited with ${code}`));
    waiting.clear();
  });
  const send = (command: WithoutId<FleetCommand>) =>
    new Promise<Tally>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ ...command, id });
    });
  return {
    pids: [child.pid!],
    connect: async (apiUrl, volunteers) => void (await send({ op: 'connect', apiUrl, volunteers })),
    run: async () => void (await send({ op: 'run' })),
    mark: () => send({ op: 'mark' }),
    read: () => send({ op: 'read' }),
    async stop() {
      const tally = await send({ op: 'stop' });
      child.disconnect();
      await once(child, 'exit');
      return tally;
    },
  };
}

/** In a child process: runs the commands of childFleet() on a local fleet. */
function serveFleet(): void {
  const fleet = localFleet();
  process.on('disconnect', () => process.exit(0));
  process.on('message', (command: FleetCommand) => {
    const run = async (): Promise<Tally | undefined> => {
      switch (command.op) {
        case 'connect':
          countPrimes(0, 1); // builds the sieve before the volunteers need it
          await fleet.connect(command.apiUrl, command.volunteers);
          return undefined;
        case 'run':
          await fleet.run();
          return undefined;
        default:
          return fleet[command.op]();
      }
    };
    run().then(
      (tally) => process.send!({ id: command.id, ...(tally ? { tally } : {}) } satisfies FleetReply),
      (error: unknown) => process.send!({ id: command.id, error: String(error) } satisfies FleetReply),
    );
  });
}

/** The volunteers split over the fleets; tallies summed. */
function fleetsOf(count: number): Fleet {
  const fleets = count === 0 ? [localFleet()] : Array.from({ length: count }, childFleet);
  const sum = (tallies: Tally[]): Tally =>
    tallies.reduce((total, t) => ({
      accepted: total.accepted + t.accepted,
      wrong: total.wrong + t.wrong,
      acks: total.acks.concat(t.acks),
      dropped: total.dropped + t.dropped,
      shed: total.shed + t.shed,
      revoked: total.revoked + t.revoked,
      messages: total.messages + t.messages,
      loopDelayMs: Math.max(total.loopDelayMs, t.loopDelayMs),
    }), emptyTally());
  return {
    pids: fleets.flatMap((fleet) => fleet.pids),
    connect: async (apiUrl, volunteers) =>
      void (await Promise.all(
        fleets.map((fleet, i) => fleet.connect(apiUrl, Math.floor(volunteers / fleets.length) + (i < volunteers % fleets.length ? 1 : 0))),
      )),
    run: async () => void (await Promise.all(fleets.map((fleet) => fleet.run()))),
    mark: async () => sum(await Promise.all(fleets.map((fleet) => fleet.mark()))),
    read: async () => sum(await Promise.all(fleets.map((fleet) => fleet.read()))),
    stop: async () => sum(await Promise.all(fleets.map((fleet) => fleet.stop()))),
  };
}

// ---- one measured load level ----------------------------------------------------------------

/** Pages watching the swarm panel and every job's progress and range map (`--watchers`). */
class Watchers {
  private readonly sockets: Socket[] = [];
  private readonly watched = new Set<string>();
  /** Bytes of messages the watchers received. */
  bytes = 0;

  async connect(apiUrl: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const socket = io(apiUrl, { transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      socket.io.engine.on('data', (data: unknown) => {
        this.bytes += typeof data === 'string' ? data.length : 0;
      });
      await socket.timeout(30_000).emitWithAck('swarm:watch', {});
      this.sockets.push(socket);
    }
  }

  watch(jobId: string): void {
    if (this.watched.has(jobId)) return;
    this.watched.add(jobId);
    for (const socket of this.sockets) socket.timeout(30_000).emit('job:watch', { jobId }, () => undefined);
  }

  close(): void {
    for (const socket of this.sockets) socket.disconnect();
  }
}

/**
 * Keeps at least `concurrentJobs` jobs running, and enough that `unitsWanted` units are left
 * in them (by their completed chunks); counts the jobs that end with a wrong count. Jobs share
 * the threads evenly, so jobs started together end together: without the second rule, every
 * volunteer of a stress run went without work at each job's end (a third of the messages were
 * requests that found none and the broadcasts telling that work came back).
 */
/** Running jobs older than the newest 100 asked for one by one per poll, at most. */
const MAX_JOB_GETS = 16;

interface BenchJobView {
  job_id: string;
  state: string;
  progress: { completed: number; total: number };
  result?: { prime_count: number };
}

async function keepJobsRunning(
  apiUrl: string,
  stop: () => boolean,
  concurrentJobs: number,
  unitsWanted: number,
  watchers: Watchers,
): Promise<number> {
  /** The unfinished jobs, oldest first, with what was last seen of each. */
  const running = new Map<string, BenchJobView | undefined>();
  const unitsPerJob = JOB_N / Number(values['unit-size']);
  let wrong = 0;
  const getJson = async (path: string): Promise<unknown> => {
    const response = await fetch(`${apiUrl}${path}`);
    const text = await response.text();
    if (!response.ok || text === '') {
      console.error(`GET ${path}: ${response.status} ${text.slice(0, 200)}`);
      return undefined;
    }
    return JSON.parse(text);
  };
  while (!stop()) {
    // One list request (the newest 100 jobs), and at most MAX_JOB_GETS of the older running
    // jobs asked alone, oldest first (they are the ones finishing): one request per job every
    // 250 ms was REST load the coordinator's CPU per unit paid for, about 1,000 requests a
    // second at 10,000 stress volunteers. All at once: on a loaded machine one GET can take a
    // few hundred milliseconds, and stress volunteers finish thousands of units meanwhile.
    const list = (await getJson('/api/jobs?limit=100')) as { jobs: BenchJobView[] } | undefined;
    for (const view of list?.jobs ?? []) if (running.has(view.job_id)) running.set(view.job_id, view);
    const listed = new Set((list?.jobs ?? []).map((view) => view.job_id));
    const older = [...running.keys()].filter((id) => !listed.has(id)).slice(0, MAX_JOB_GETS);
    for (const view of await Promise.all(older.map(async (id) => (await getJson(`/api/jobs/${id}`)) as BenchJobView | undefined))) {
      if (view !== undefined) running.set(view.job_id, view);
    }
    let unitsLeft = 0;
    for (const [id, view] of running) {
      unitsLeft += view === undefined ? unitsPerJob : (1 - view.progress.completed / view.progress.total) * unitsPerJob;
      if (view?.state === 'SUCCESS') {
        if (view.result?.prime_count !== JOB_PRIME_COUNT) wrong++;
        running.delete(id);
      } else if (view?.state === 'FAILURE' || view?.state === 'REVOKED') {
        running.delete(id);
      }
    }
    const missing = Math.max(concurrentJobs - running.size, Math.ceil((unitsWanted - unitsLeft) / unitsPerJob));
    const created = await Promise.all(
      Array.from({ length: Math.max(0, missing) }, async () => {
        const response = await fetch(`${apiUrl}/api/count-primes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ n: JOB_N, chunks: 128, method: 'sieve' }),
        });
        if (response.status !== 202) {
          console.error(`POST /api/count-primes: ${response.status} ${(await response.text()).slice(0, 200)}`);
          return undefined;
        }
        return ((await response.json()) as { job_id: string }).job_id;
      }),
    );
    for (const jobId of created) {
      if (jobId === undefined) continue;
      running.set(jobId, undefined);
      watchers.watch(jobId);
    }
    // Realistic jobs last tens of seconds: polling them as often as stress jobs would only add REST load.
    await sleep(realistic ? 1000 : 250);
  }
  return wrong;
}

/**
 * What a client sees: the time from sending GET /health to its parsed answer, for a request
 * sent every 100 ms on a fixed schedule whether or not earlier ones were answered (waiting for
 * each answer before the next would send one request through a stall of the coordinator where
 * clients arriving meanwhile send several, and so understate its p99). The probe's own
 * event-loop delay is measured alongside, so a late probe is told apart from a late coordinator.
 */
async function healthLatencies(apiUrl: string, stop: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  const probes: Promise<void>[] = [];
  const probe = async () => {
    const started = performance.now();
    await (await fetch(`${apiUrl}/health`)).json();
    latencies.push(performance.now() - started);
  };
  const startedAt = performance.now();
  for (let sent = 0; !stop(); sent++) {
    probes.push(probe());
    // On the schedule, not 100 ms after this process got round to it.
    await sleep(Math.max(0, startedAt + (sent + 1) * HEALTH_PROBE_MS - performance.now()));
  }
  await Promise.all(probes);
  return latencies;
}

/** What the targets are checked on, for one level. */
interface LevelFigures {
  volunteers: number;
  cpuMsPerUnit: number;
  ackP99Ms: number;
  healthP99Ms: number;
  /** Percent of one core per 1,000 busy volunteer threads (one thread per volunteer here). */
  cpuPerThousandThreads: number;
  dropped: number;
  wrong: number;
}

async function measure(volunteers: number): Promise<{ row: string; figures: LevelFigures }> {
  using data = tempDir();
  const env: Record<string, string> = {
    DATA_DIR: data.path,
    LOG_FORMAT: 'json',
    WORKER_TOKEN,
    SPOT_CHECK_RATE: '0',
    MAX_VOLUNTEERS: '0',
    SUBMIT_RATE_LIMIT: '0',
    // 10,000 stress volunteers hold 170,000 units: more unfinished jobs of 1,000 units than the default 100.
    MAX_ACTIVE_JOBS: '0',
    MAX_CONNECTIONS_PER_NETWORK: '0',
    SHED_LAG: values['shed-lag'],
  };
  // Realistic mode too: the simulated time per unit is what matters, and small units keep
  // enough of them open for every volunteer (1,000 per job of 1e8).
  env['UNIT_SIZE'] = String(Number(values['unit-size']));
  await using coordinator = await spawnCoordinator(env, values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []);
  const pid = coordinator.child.pid!;
  const rssBefore = processRssMb(pid);
  const fleet = fleetsOf(processes);
  const simulatorCpu = () => fleet.pids.reduce((total, simulator) => total + processCpuSeconds(simulator), 0);
  await fleet.connect(coordinator.apiUrl, volunteers);
  const pages = new Watchers();
  await pages.connect(coordinator.apiUrl, watchers);
  const rssConnected = processRssMb(pid);

  let stopped = false;
  const stop = () => stopped;
  // Enough open units for every lease wanted (a volunteer holds some in hand too): jobs of 1,000 units.
  const leasesWanted = volunteers * (1 + PREFETCHED);
  // Twice the leases wanted are kept in unfinished jobs, so busy volunteers do not run out of
  // work at each job's tail (at 10,000 realistic volunteers, 25 jobs started together left
  // them hungry: 7 messages per unit instead of 3). Stress units last milliseconds: two more
  // jobs' worth for the time between two polls.
  const unitsWanted = 2 * leasesWanted + (realistic ? 0 : (2 * JOB_N) / Number(values['unit-size']));
  const jobs = keepJobsRunning(coordinator.apiUrl, stop, Math.max(concurrentJobs, Math.ceil(leasesWanted / 800)), unitsWanted, pages);
  await fleet.run();
  // Warm-up: first grants and jobs; in realistic mode one unit's time too, so every volunteer
  // is past its first unit and the figures are the steady state, not the start.
  await sleep(Math.max(Math.min(5000, measureMs / 4), realistic ? unitSeconds * 1000 : 0));
  const before = await fleet.mark();
  const bytesBefore = pages.bytes;
  const cpuBefore = processCpuSeconds(pid);
  const simulatorCpuBefore = simulatorCpu();
  const probeDelay = monitorEventLoopDelay({ resolution: PROBE_DELAY_RESOLUTION_MS });
  probeDelay.enable();
  const health = healthLatencies(coordinator.apiUrl, stop);
  const startedAt = performance.now();
  await sleep(measureMs);
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = processCpuSeconds(pid) - cpuBefore;
  const simulatorCpuShare = (simulatorCpu() - simulatorCpuBefore) / seconds;
  const bytes = pages.bytes - bytesBefore;
  const during = await fleet.read();
  const accepted = during.accepted - before.accepted;
  const acks = [...during.acks].sort((a, b) => a - b);
  stopped = true;
  const healthSorted = (await health).sort((a, b) => a - b);
  probeDelay.disable();
  const tally = await fleet.stop();
  pages.close();
  const wrong = tally.wrong + (await jobs);
  // A graceful stop, so a profile (when asked for) is written.
  coordinator.child.kill('SIGTERM');
  await coordinator.exited();

  const figures: LevelFigures = {
    volunteers,
    cpuMsPerUnit: accepted > 0 ? (cpu / accepted) * 1000 : Number.NaN,
    ackP99Ms: percentile(acks, 0.99),
    healthP99Ms: percentile(healthSorted, 0.99),
    cpuPerThousandThreads: ((cpu / seconds) * 100) / (volunteers / 1000),
    dropped: tally.dropped,
    wrong,
  };
  const cells = [
    String(volunteers),
    (accepted / seconds).toFixed(0),
    accepted > 0 ? figures.cpuMsPerUnit.toFixed(3) : '-',
    `${((cpu / seconds) * 100).toFixed(0)}%`,
    `${percentile(acks, 0.5).toFixed(1)} / ${figures.ackP99Ms.toFixed(1)} / ${(acks.at(-1) ?? Number.NaN).toFixed(0)}`,
    figures.healthP99Ms.toFixed(1),
    // The histogram holds whole timer periods: the delay is what exceeds the period.
    Math.max(0, probeDelay.percentile(99) / 1e6 - PROBE_DELAY_RESOLUTION_MS).toFixed(1),
    // Below 1,000 connections the growth is within the garbage collector's own swings (it
    // measured -20 KB per connection at 100).
    volunteers >= RSS_MIN_CONNECTIONS ? (((rssConnected - rssBefore) * 1024) / volunteers).toFixed(1) : '-',
    String(tally.dropped),
    `${tally.shed} / ${during.shed - before.shed}`,
    accepted > 0 ? ((during.messages - before.messages) / accepted).toFixed(2) : '-',
    String(wrong),
  ];
  if (realistic) cells.splice(4, 0, `${figures.cpuPerThousandThreads.toFixed(2)}%`);
  cells.push(`${(simulatorCpuShare * 100).toFixed(0)}%`, during.loopDelayMs.toFixed(1));
  if (realistic) cells.push(String(tally.revoked));
  if (watchers > 0) cells.push((bytes / 1024 / seconds / watchers).toFixed(1));
  if (wrong > 0) process.exitCode = 1;
  return { row: `| ${cells.join(' | ')} |`, figures };
}

/**
 * The targets of "One coordinator for 100,000 volunteer threads", checked on the levels this
 * run measured: at every level, no connection dropped and no wrong count; in stress mode at
 * 1,000 volunteers, at most 0.1 ms of coordinator CPU per accepted unit and ack p99 under
 * 100 ms; in realistic mode from 10,000 volunteers on, `/health` p99 under 50 ms and under 5%
 * of a core per 1,000 busy threads.
 */
function targetLines(levels: readonly LevelFigures[]): string[] {
  const lines: string[] = [];
  const check = (what: string, measured: string, met: boolean) => lines.push(`- ${met ? 'met' : 'NOT MET'}: ${what}: ${measured}`);
  for (const level of levels) {
    const at = `${level.volunteers.toLocaleString('en-US')} ${realistic ? 'realistic' : 'stress'} volunteers`;
    check(`${at}, every connection held`, `${level.dropped} dropped`, level.dropped === 0);
    check(`${at}, every job's count right`, `${level.wrong} wrong`, level.wrong === 0);
    if (!realistic && level.volunteers === 1000) {
      check(`${at}, coordinator CPU per accepted unit at most 0.1 ms`, `${level.cpuMsPerUnit.toFixed(3)} ms`, level.cpuMsPerUnit <= 0.1);
      check(`${at}, ack p99 under 100 ms`, `${level.ackP99Ms.toFixed(1)} ms`, level.ackP99Ms < 100);
    }
    if (realistic && level.volunteers >= 10_000) {
      check(`${at}, /health p99 under 50 ms`, `${level.healthP99Ms.toFixed(1)} ms`, level.healthP99Ms < 50);
      check(`${at}, under 5% of a core per 1,000 busy threads`, `${level.cpuPerThousandThreads.toFixed(2)}%`, level.cpuPerThousandThreads < 5);
    }
  }
  return lines;
}

if (process.env[FLEET_ROLE] !== undefined) {
  serveFleet();
} else {
  const load = loadavg().map((value) => value.toFixed(1)).join(' ');
  console.log(
    `mode ${values.mode}${realistic ? ` (about ${unitSeconds} s per unit per thread)` : ` (UNIT_SIZE=${values['unit-size']})`}, jobs of pi(${values['job-n']}), ${values.seconds} s per level, 1 thread per volunteer, volunteers in ${processes === 0 ? 'this process' : `${processes} processes`}, ${watchers} watchers, load average ${load}`,
  );
  console.log(
    "/health p99: from sending GET /health to its parsed answer, as a client sees it, one request every 100 ms on a fixed schedule from this process; probe loop delay: this process's own event-loop delay p99 meanwhile",
  );
  const headings = ['volunteers', 'units/s', 'coordinator CPU ms/unit', 'coordinator CPU'];
  if (realistic) headings.push('CPU per 1,000 threads');
  headings.push('ack p50 / p99 / max ms', '/health p99 ms', 'probe loop delay p99 ms', 'KB RSS per connection', 'dropped', 'shed requests (all / measured)', 'messages per unit', 'wrong jobs');
  headings.push('simulator CPU', 'simulator loop delay p99 ms');
  if (realistic) headings.push('leases taken back');
  if (watchers > 0) headings.push('KB/s per watcher');
  console.log(`| ${headings.join(' | ')} |`);
  console.log(`|${headings.map(() => '---|').join('')}`);
  const levels: LevelFigures[] = [];
  for (const volunteers of counts) {
    const { row, figures } = await measure(volunteers);
    console.log(row);
    levels.push(figures);
  }
  console.log(`load average after: ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
  console.log('targets, on the levels measured:');
  for (const line of targetLines(levels)) console.log(line);
  process.exit(process.exitCode ?? 0);
}
