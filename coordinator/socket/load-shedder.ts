/**
 * Sheds work when the event loop falls behind, instead of letting it fall so far behind that
 * Socket.IO pings go unanswered and every connection drops at once. The loop's delay is
 * measured (perf_hooks histogram, 99th percentile over short windows) with how busy the
 * process is; while the delay is above the threshold and the process is busy (it uses most
 * of a core, or its loop never waits for input: a machine too loaded to give it a core
 * counts too, since its sockets fall behind all the same), lease requests are answered "throttled, retry
 * after" with a delay spread at random and long enough that the whole swarm's retries come
 * back at about SHED_RETRIES_PER_SECOND (a short fixed delay would turn 10,000 shed
 * volunteers into a storm of retries that keeps the loop behind). Results, heartbeats and releases are never shed: they finish work
 * already handed out.
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';

export interface LoadShedderOptions {
  /** Loop delay (99th percentile over a window) above which lease requests are shed. */
  thresholdMs: number;
  /** How often the delay is read (and the histogram restarted). */
  windowMs: number;
  random: () => number;
}

/** The longest a shed request is told to wait. */
const MAX_RETRY_AFTER_MS = 30_000;
/** How many shed volunteers should come back per second, on average. */
const SHED_RETRIES_PER_SECOND = 500;
/** The shortest: under a brief spike, volunteers come back soon. */
const MIN_RETRY_AFTER_MS = 250;
/** The share of one core this process uses above which it is busy. */
const BUSY_CPU_SHARE = 0.7;
/**
 * The share of the time its loop is not waiting for input above which it is busy: a loop
 * that never waits is behind, whatever the reason (a machine that schedules it late, too).
 */
const BUSY_LOOP_SHARE = 0.95;

export class LoadShedder {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly timer: NodeJS.Timeout;
  private lagMs = 0;
  private busy = false;
  private cpu = process.cpuUsage();
  private readAt = performance.now();
  private loop: EventLoopUtilization = performance.eventLoopUtilization();
  private shedCount = 0;

  constructor(private readonly options: LoadShedderOptions) {
    this.histogram.enable();
    this.timer = setInterval(() => this.read(), options.windowMs);
    this.timer.unref();
  }

  /** The loop's delay (99th percentile) over the last window, in ms. */
  get lag(): number {
    return this.lagMs;
  }

  /** Lease requests shed so far. */
  get shed(): number {
    return this.shedCount;
  }

  /**
   * How long the asker should wait before asking again, or undefined when the request may be
   * served now. `askers` is how many could be asking (the connected volunteers): the wait is
   * askers / SHED_RETRIES_PER_SECOND seconds (at least four times the lag), spread over
   * [0.5, 1.5) of that.
   */
  retryAfterMs(askers: number): number | undefined {
    if (!this.busy || this.lagMs <= this.options.thresholdMs) return undefined;
    this.shedCount++;
    const spread = Math.max(this.lagMs * 4, (askers / SHED_RETRIES_PER_SECOND) * 1000);
    const base = Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, spread));
    return Math.round(base * (0.5 + this.options.random()));
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
    const loop = performance.eventLoopUtilization();
    this.busy =
      (used.user + used.system) / 1000 / Math.max(1, now - this.readAt) > BUSY_CPU_SHARE ||
      performance.eventLoopUtilization(loop, this.loop).utilization > BUSY_LOOP_SHARE;
    this.cpu = process.cpuUsage();
    this.readAt = now;
    this.loop = loop;
  }
}
