/**
 * Sheds work when the event loop falls behind, instead of letting it fall so far behind that
 * Socket.IO pings go unanswered and every connection drops at once. The loop's delay is
 * measured (perf_hooks histogram, 99th percentile over short windows) with how much CPU the
 * process itself uses and how much of the window its loop spent handling events rather than
 * waiting for them (event loop utilization). The coordinator is overloaded while the delay is
 * above the threshold, it uses most of a core and its loop hardly ever waited (its own work is
 * what is late: events queue up behind it), or while the delay is far above the threshold
 * whatever the cause. A loop that waited for events for a good part of the window is not
 * behind: its delay came in bursts (a turn handling hundreds of messages that arrived
 * together) that shedding would not shorten, and shedding there only cost round trips (by
 * CPU share alone, 1,000 busy stress volunteers were shed about one request per three units
 * while the coordinator used two thirds of a core).
 * What is shed is leases beyond a cap on the leases in flight, cut by a sixth on each
 * overloaded window (from the leases in flight when it is first needed) and raised on every
 * other window: by LEASE_CAP_STEP, or by a quarter while the process uses under half a core
 * (by steps alone, the cap set during the rush of 10,000 volunteers asking at once still kept
 * a quarter of them idle a minute later; by a quarter whenever the loop was not behind, the
 * acknowledgements' tail at 1,000 stress volunteers came back). The work handed out settles
 * where the loop keeps up. The leases in flight are what a volunteer's results and the
 * requests that come with them are made of, so the cap bounds the messages queued behind the
 * loop and how long an acknowledgement waits (Little's law). Shedding a random share of requests instead, for waits
 * of one to three seconds, sent volunteers away in waves: at 1,000 stress volunteers the
 * coordinator idled at 55 to 70% of a core after each wave and its loop fell 50 to 75 ms behind
 * when the wave came back, and ack p99 went over 100 ms in 7 of 35 runs.
 * Besides, while the coordinator is behind, a lease request handled late in a long turn of the
 * event loop is shed at once: everything handled in a turn was waiting when it began, so a
 * request handled more than the threshold after the turn's first lease request has waited at
 * least that long. A window is too slow for this alone: at 1,000 stress volunteers reporting
 * eight results a message, turns grew to a hundred milliseconds between two readings and the
 * acknowledgements' p99 to 200 ms.
 * The delay told is spread at random and long enough that the whole swarm's retries come back
 * at about SHED_RETRIES_PER_SECOND (a short fixed delay would turn 10,000 shed volunteers into
 * a storm of retries that keeps the loop behind). Results, heartbeats and releases are never
 * shed: they finish work already handed out.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

export interface LoadShedderOptions {
  /** Loop delay (99th percentile over a window) above which lease requests are shed. */
  thresholdMs: number;
  /** How often the delay is read (and the histogram restarted). */
  windowMs: number;
  random: () => number;
  /** How many leases are in flight now. */
  leasesInFlight: () => number;
}

/** The longest a shed request is told to wait. */
const MAX_RETRY_AFTER_MS = 30_000;
/** How many shed volunteers should come back per second, on average. */
const SHED_RETRIES_PER_SECOND = 1000;
/** The shortest: under a brief spike, volunteers come back soon. */
const MIN_RETRY_AFTER_MS = 250;
/** The share of one core this process uses above which its own work is what makes it late. */
const BUSY_CPU_SHARE = 0.7;
/** The share of the window the loop must have spent handling events (not waiting for them) to be behind. */
const BEHIND_LOOP_UTILIZATION = 0.9;
/** A delay this many times the threshold is overload whatever its cause. */
const SEVERE_LAG_FACTOR = 25;
/**
 * What the lease cap keeps of itself on an overloaded window, and what it gains on any other:
 * LEASE_CAP_STEP, or a quarter more while this process uses under IDLE_CPU_SHARE of a core.
 */
const LEASE_CAP_CUT = 0.85;
const LEASE_CAP_STEP = 100;
const LEASE_CAP_GROWTH = 1.25;
const IDLE_CPU_SHARE = 0.5;
/** The cap never goes below this many leases in flight. */
const MIN_LEASE_CAP = 100;

export class LoadShedder {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly timer: NodeJS.Timeout;
  private lagMs = 0;
  /** The most leases in flight a grant may bring about; infinite until an overload sets it. */
  private leaseCap = Number.POSITIVE_INFINITY;
  private cpu = process.cpuUsage();
  private readAt = performance.now();
  private utilization = performance.eventLoopUtilization();
  private shedCount = 0;
  private behindNow = false;
  /** When this turn of the event loop handled its first lease request; undefined between turns. */
  private turnStartedAt: number | undefined;

  constructor(private readonly options: LoadShedderOptions) {
    this.histogram.enable();
    this.timer = setInterval(() => this.read(), options.windowMs);
    this.timer.unref();
  }

  /** The loop's delay (99th percentile) over the last window, in ms. */
  get lag(): number {
    return this.lagMs;
  }

  /** Whether the last window found the loop behind: its own work, not the machine, kept it busy. */
  get behind(): boolean {
    return this.behindNow;
  }

  /** Lease requests shed so far. */
  get shed(): number {
    return this.shedCount;
  }

  /** The most leases in flight a grant may bring about now (infinite: no cap). */
  get cap(): number {
    return this.leaseCap;
  }

  /**
   * How long the asker should wait before asking again, or undefined when its request for
   * `slots` leases may be served now (always while no overload has set a cap; otherwise while
   * the leases in flight and these stay within it). `askers` is how many could be asking (the
   * connected volunteers): the wait is askers / SHED_RETRIES_PER_SECOND seconds (at least four
   * times the lag), spread over [0.5, 1.5) of that.
   */
  retryAfterMs(askers: number, slots: number): number | undefined {
    const overCap = this.options.leasesInFlight() + slots > this.leaseCap;
    const lateInTurn = this.sinceTurnStarted() > this.options.thresholdMs;
    if (!overCap && !(this.behindNow && lateInTurn)) return undefined;
    this.shedCount++;
    const spread = Math.max(this.lagMs * 4, (askers / SHED_RETRIES_PER_SECOND) * 1000);
    const base = Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, spread));
    return Math.round(base * (0.5 + this.options.random()));
  }

  /** How long ago this turn of the loop handled its first lease request (0 for that one). */
  private sinceTurnStarted(): number {
    const now = performance.now();
    if (this.turnStartedAt === undefined) {
      this.turnStartedAt = now;
      setImmediate(() => (this.turnStartedAt = undefined));
    }
    return now - this.turnStartedAt;
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  private read(): void {
    // The histogram is in nanoseconds; this timer's own lateness counts too (a loop blocked
    // for longer than a window shows there first).
    const now = performance.now();
    const late = now - this.readAt - this.options.windowMs;
    this.lagMs = Math.max(late, this.histogram.count > 0 ? this.histogram.percentile(99) / 1e6 : 0);
    this.histogram.reset();
    const used = process.cpuUsage(this.cpu);
    const cpuShare = (used.user + used.system) / 1000 / Math.max(1, now - this.readAt);
    const { thresholdMs } = this.options;
    const utilization = performance.eventLoopUtilization(this.utilization).utilization;
    this.behindNow = cpuShare > BUSY_CPU_SHARE && utilization > BEHIND_LOOP_UTILIZATION;
    const overloaded = this.lagMs > thresholdMs && (this.behindNow || this.lagMs > thresholdMs * SEVERE_LAG_FACTOR);
    if (overloaded) this.leaseCap = Math.max(MIN_LEASE_CAP, Math.min(this.leaseCap, this.options.leasesInFlight()) * LEASE_CAP_CUT);
    else if (this.leaseCap !== Number.POSITIVE_INFINITY) {
      this.leaseCap = cpuShare < IDLE_CPU_SHARE ? Math.max(this.leaseCap + LEASE_CAP_STEP, this.leaseCap * LEASE_CAP_GROWTH) : this.leaseCap + LEASE_CAP_STEP;
    }
    this.cpu = process.cpuUsage();
    this.utilization = performance.eventLoopUtilization();
    this.readAt = now;
  }
}
