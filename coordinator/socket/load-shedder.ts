/**
 * Sheds work when the event loop falls behind, instead of letting it fall so far behind that
 * Socket.IO pings go unanswered and every connection drops at once. The loop's delay is
 * measured (perf_hooks histogram, 99th percentile over short windows) with the process's
 * CPU time; while the delay is above the threshold and the process is busy (its own work is
 * the cause, not a machine too loaded to schedule it), lease requests are answered "throttled, retry
 * after" with a delay that grows with the lag and is spread at random, so volunteers come
 * back staggered. Results, heartbeats and releases are never shed: they finish work
 * already handed out.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoadShedderOptions {
  /** Loop delay (99th percentile over a window) above which lease requests are shed. */
  thresholdMs: number;
  /** How often the delay is read (and the histogram restarted). */
  windowMs: number;
  random: () => number;
}

/** The longest a shed request is told to wait. */
const MAX_RETRY_AFTER_MS = 10_000;
/** The shortest: under a brief spike, volunteers come back soon. */
const MIN_RETRY_AFTER_MS = 250;
/**
 * The share of one core this process uses above which a delay is taken as its own overload.
 * (The loop's utilisation would not do: a process the machine schedules late looks busy.)
 */
const BUSY_CPU_SHARE = 0.7;

export class LoadShedder {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly timer: NodeJS.Timeout;
  private lagMs = 0;
  private busy = false;
  private cpu = process.cpuUsage();
  private readAt = performance.now();
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
   * served now. The wait is about four times the lag, spread over [0.5, 1.5) of that.
   */
  retryAfterMs(): number | undefined {
    if (!this.busy || this.lagMs <= this.options.thresholdMs) return undefined;
    this.shedCount++;
    const base = Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, this.lagMs * 4));
    return Math.round(base * (0.5 + this.options.random()));
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  private read(): void {
    // The histogram is in nanoseconds; the timer's own lateness counts too.
    this.lagMs = this.histogram.count > 0 ? this.histogram.percentile(99) / 1e6 : 0;
    this.histogram.reset();
    const now = performance.now();
    const used = process.cpuUsage(this.cpu);
    this.busy = (used.user + used.system) / 1000 / Math.max(1, now - this.readAt) > BUSY_CPU_SHARE;
    this.cpu = process.cpuUsage();
    this.readAt = now;
  }
}
