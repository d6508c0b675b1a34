/**
 * Which job's unit goes to the next free thread. Fairness: the job with the fewest leases in
 * flight goes first (ties to the oldest), so a small job submitted behind a huge one gets
 * threads as soon as they free up instead of waiting for the huge one to drain. A grant of
 * several units stays with its first job while that job has at most the grant's size more
 * leases than the least served one: the units, and so the results that come back together,
 * are then of one job, and the store writes one page for them rather than one per job (with
 * 36 jobs open, each commit wrote a page per job).
 */
import { cutUnit } from '../shared/split.js';
import { NOBODY, newOpenUnit, type ActiveJob, type Domain, type OpenUnit, type VolunteerState } from './model.js';
import { someoneMayVote } from './leases/active-volunteers.js';
import { unitPositionsFor } from './leases/unit-size.js';
import { WANT_RANKS_BY_PRIORITY } from './leases/wanting.js';
import { mayVote } from './trust/parties.js';

export { ACTIVE_WINDOW_MS, isActive } from './leases/active-volunteers.js';

/**
 * Units a job may hold open (leased, or counted and waiting for confirmation) before
 * strangers get no new units of it, only confirmations. Without it, a stranger reporting
 * made-up counts fast would open units without bound: memory stays O(this + leases) per job.
 */
export const MAX_OPEN_UNITS_PER_JOB = 1024;

/**
 * A unit that failed on some network goes to another network when a volunteer there is
 * taking work (it may be that network's fault); otherwise it is retried where it failed.
 */
function preferOthers(d: Domain, unit: OpenUnit, volunteer: VolunteerState): boolean {
  return unit.failedOn.has(volunteer.network) && someoneMayVote(d, unit, unit.failedOn);
}

/**
 * Confirmations and disputes go to trusted workers first: a trusted worker takes a disputed
 * unit, then one waiting for confirmation, before anything else. Only units that want
 * another lease are looked at (leases/wanting.ts), not every open unit.
 */
function openUnitFor(d: Domain, job: ActiveJob, volunteer: VolunteerState): OpenUnit | undefined {
  for (const rank of WANT_RANKS_BY_PRIORITY) {
    const groups = job.wanting[rank];
    // Most are empty; iterating one still allocates an iterator, for every job on every grant.
    if (groups.size === 0) continue;
    for (const group of groups.values()) {
      // A stranger's network voted on, holds or failed every unit of this group.
      if (!volunteer.trusted && group.networks.has(volunteer.network)) continue;
      for (const unit of group.units) if (mayVote(d, unit, volunteer) && !preferOthers(d, unit, volunteer)) return unit;
    }
  }
  return undefined;
}

function hasUntouched(job: ActiveJob): boolean {
  while (job.cutCursor < job.chunks.length && job.chunks[job.cutCursor]!.untouched.length === 0) job.cutCursor++;
  return job.cutCursor < job.chunks.length;
}

/** Cuts the next unit off the first chunk with untouched positions, sized for the volunteer that gets it (never past the chunk's end). */
function cutNextUnit(d: Domain, job: ActiveJob, volunteer: VolunteerState): OpenUnit {
  const chunk = job.chunks[job.cutCursor]!;
  const range = chunk.untouched[0]!;
  const { unit, rest } = cutUnit(range, unitPositionsFor(d, job, volunteer, range.lo));
  if (rest) chunk.untouched[0] = rest;
  else chunk.untouched.shift();
  const open = newOpenUnit({
    key: `${chunk.index}:${unit.lo}`,
    jobId: job.record.id,
    chunkIndex: chunk.index,
    lo: unit.lo,
    hi: unit.hi,
    spotCheck: d.random() < d.trust.policy.spotCheckRate,
    excluded: NOBODY,
    audit: undefined,
  });
  job.open.set(open.key, open);
  return open;
}

/** What a job can give this volunteer: an open unit that wants a lease, else a unit to cut (unit undefined), else nothing. */
function offerOf(d: Domain, job: ActiveJob, volunteer: VolunteerState): { job: ActiveJob; unit: OpenUnit | undefined } | undefined {
  if (!volunteer.computes.has(job.record.kind)) return undefined;
  const unit = openUnitFor(d, job, volunteer);
  const mayCut = volunteer.trusted || job.open.size < MAX_OPEN_UNITS_PER_JOB;
  return unit || (mayCut && hasUntouched(job)) ? { job, unit } : undefined;
}

/**
 * The next unit this volunteer should compute, or undefined when there is none for it.
 * `grantJob` is the job of the grant's previous unit, kept while it has at most `grantSize`
 * more leases than the least served job and that job would only cut a fresh unit (a unit
 * waiting for a confirmation or a dispute there still goes first).
 */
export function nextUnit(
  d: Domain,
  volunteer: VolunteerState,
  grantJob?: ActiveJob,
  grantSize = 0,
): { job: ActiveJob; unit: OpenUnit } | undefined {
  let chosen: { job: ActiveJob; unit: OpenUnit | undefined } | undefined;
  for (const job of d.active.values()) {
    if (chosen && job.leasesInFlight >= chosen.job.leasesInFlight) continue;
    chosen = offerOf(d, job, volunteer) ?? chosen;
  }
  if (!chosen) return undefined;
  if (grantJob && chosen.unit === undefined && grantJob !== chosen.job && grantJob.leasesInFlight <= chosen.job.leasesInFlight + grantSize) {
    chosen = offerOf(d, grantJob, volunteer) ?? chosen;
  }
  return { job: chosen.job, unit: chosen.unit ?? cutNextUnit(d, chosen.job, volunteer) };
}
