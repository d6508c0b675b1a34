/**
 * How many units a volunteer may hold, and for how long: leases sized to the throughput the
 * coordinator measured, not to what the volunteer claims. A volunteer's claimed thread count
 * and its `elapsedMs` are never trusted; its pace is the time from each grant to its report,
 * in reference seconds of work (each lease's `cost`, shared/kinds/unit-cost.ts) per second,
 * so one pace carries across kinds.
 *
 * - A volunteer that has not reported yet holds at most `newVolunteerLeases` units.
 * - After that, one unit per thread plus `prefetchLeases` (its next unit in hand, so a thread
 *   starts it without a round trip), never more than its measured pace finishes within the
 *   lease timeout (or within its units' time on every thread plus the prefetched, if longer), and never more than
 *   `maxThreadsPerVolunteer` (nor the threads it claims) plus the prefetched.
 * - A volunteer whose units take less than `batchSeconds` each may keep about `batchSeconds`
 *   of its work in hand instead, up to `maxPrefetchLeases`: it reports such units several per
 *   message (the protocol's `more`), and one message per unit of milliseconds would cost the
 *   coordinator more than the unit itself.
 * - Heartbeats extend a lease up to `holdFactor` times the unit's expected time (from the
 *   holder's pace, else the swarm's), and never below `holdMinMs`; past that the unit is
 *   taken back ("held too long"), the holder's pace is forgotten, and it gets no new unit for
 *   `holdMinMs` (so the unit goes to someone else rather than back to it).
 */
import type { LeaseState, VolunteerState } from '../model.js';

export interface LeaseLimitSettings {
  newVolunteerLeases: number;
  maxThreadsPerVolunteer: number;
  holdFactor: number;
  holdMinMs: number;
  prefetchLeases: number;
  batchSeconds: number;
  maxPrefetchLeases: number;
}

export const DEFAULT_LEASE_LIMITS: LeaseLimitSettings = {
  newVolunteerLeases: 2,
  maxThreadsPerVolunteer: 32,
  holdFactor: 10,
  holdMinMs: 60_000,
  prefetchLeases: 1,
  batchSeconds: 0.2,
  maxPrefetchLeases: 16,
};

export interface LeaseLimits {
  /** The threads a volunteer is credited with: its claim, capped. */
  threads(volunteer: VolunteerState): number;
  /** Reference seconds of work one of its threads does per second, as measured; undefined until it reports. */
  threadSpeed(volunteer: VolunteerState): number | undefined;
  /** Leases the volunteer may hold at once, now. */
  capacity(volunteer: VolunteerState, now: number): number;
  /** When the lease must be taken back however often it is renewed. */
  holdUntil(lease: LeaseState, holder: VolunteerState | undefined): number;
  /** The holder reported the lease at `now`: learns its pace (call before the lease is dropped). */
  reported(lease: LeaseState, holder: VolunteerState, now: number): void;
  /** The holder kept a lease past its limit at `now`: its measured pace no longer holds. */
  overstayed(holder: VolunteerState, now: number): void;
}

/** New samples weigh this much in the running averages of pace. */
const SMOOTHING = 0.3;

const smooth = (previous: number | undefined, sample: number) =>
  previous === undefined ? sample : previous + SMOOTHING * (sample - previous);

export function createLeaseLimits(
  settings: LeaseLimitSettings,
  lease: { leaseTimeoutMs: number },
): LeaseLimits {
  /** Reference seconds per second at which one lease of the swarm progresses, over every report. */
  let swarmPerLease: number | undefined;
  /** Volunteers that overstayed, and until when they get no new unit. */
  const benchedUntil = new WeakMap<VolunteerState, number>();

  const threads = (volunteer: VolunteerState) => Math.min(volunteer.threads, settings.maxThreadsPerVolunteer);

  return {
    threads,

    threadSpeed: (volunteer) => volunteer.pace?.perThread,

    capacity(volunteer, now) {
      if ((benchedUntil.get(volunteer) ?? 0) > now) return 0;
      const { pace } = volunteer;
      if (!pace) return Math.min(threads(volunteer) + settings.prefetchLeases, settings.newVolunteerLeases);
      // Wall time per unit and thread, from grant to report: short units are batched.
      const unitSeconds = pace.unitCost / pace.perThread;
      const prefetch =
        unitSeconds >= settings.batchSeconds
          ? settings.prefetchLeases
          : Math.min(settings.maxPrefetchLeases, Math.max(settings.prefetchLeases, Math.ceil((threads(volunteer) * settings.batchSeconds) / unitSeconds)));
      const most = threads(volunteer) + prefetch;
      // Units longer than the lease timeout still leave room for the prefetched one.
      const horizonSeconds = Math.max(lease.leaseTimeoutMs / 1000, unitSeconds * (1 + prefetch / threads(volunteer)));
      const finishable = Math.floor((pace.total * horizonSeconds) / pace.unitCost);
      return Math.min(most, Math.max(1, finishable));
    },

    holdUntil(held, holder) {
      const perLease = holder?.pace?.perLease ?? swarmPerLease;
      const expectedMs = perLease === undefined ? 0 : (held.cost / perLease) * 1000;
      return held.grantedAt + Math.max(settings.holdMinMs, settings.holdFactor * expectedMs);
    },

    reported(held, holder, now) {
      const perLease = held.cost / (Math.max(1, now - held.grantedAt) / 1000);
      // The leases it holds ran side by side, or queued behind each other, during this one
      // (Little's law: throughput = leases held / time each is held): either way it delivered
      // about that many leases' worth at this pace, spread over the threads that ran them.
      const leases = Math.max(1, holder.leases.size);
      const total = perLease * leases;
      const perThread = total / Math.min(threads(holder), leases);
      const previous = holder.pace;
      holder.pace = {
        perLease: smooth(previous?.perLease, perLease),
        total: smooth(previous?.total, total),
        perThread: smooth(previous?.perThread, perThread),
        unitCost: smooth(previous?.unitCost, held.cost),
      };
      swarmPerLease = smooth(swarmPerLease, perLease);
      benchedUntil.delete(holder);
    },

    overstayed(holder, now) {
      holder.pace = undefined;
      benchedUntil.set(holder, now + settings.holdMinMs);
    },
  };
}
