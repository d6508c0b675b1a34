/**
 * Which job's unit goes to the next free thread. Fairness: the job with the fewest leases in
 * flight goes first (ties to the oldest), so a small job submitted behind a huge one gets
 * threads as soon as they free up instead of waiting for the huge one to drain.
 */
import { cutUnit } from '../shared/split.js';
import { newOpenUnit, type ActiveJob, type Domain, type OpenUnit, type VolunteerState } from './model.js';

/** Agreeing reports behind the most common count of a unit. */
export function bestAgreement(unit: OpenUnit): { count: number; volunteers: string[] } | undefined {
  const byCount = new Map<number, string[]>();
  for (const [volunteer, count] of unit.reports) byCount.set(count, [...(byCount.get(count) ?? []), volunteer]);
  let best: { count: number; volunteers: string[] } | undefined;
  for (const [count, volunteers] of byCount) {
    if (!best || volunteers.length > best.volunteers.length) best = { count, volunteers };
  }
  return best;
}

/** Whether a volunteer may compute this unit at all. */
function mayCompute(unit: OpenUnit, volunteer: VolunteerState): boolean {
  return !volunteer.quarantined && !unit.excluded.has(volunteer.id) && !unit.reports.has(volunteer.id);
}

/**
 * Volunteers ask for work at least every few seconds while they want any (idle ones poll),
 * so one that has not asked for this long is paused or stuck: it must not be waited for.
 */
export const ACTIVE_WINDOW_MS = 15_000;

/** Whether a volunteer is taking work now (connected, trusted, and asking). */
export function isActive(d: Domain, volunteer: VolunteerState): boolean {
  return !volunteer.quarantined && d.now() - volunteer.lastRequestAt <= ACTIVE_WINDOW_MS;
}

/** Whether some active volunteer that has not reported on the unit could still compute it. */
export function anyoneElseCanCompute(d: Domain, unit: OpenUnit): boolean {
  for (const volunteer of d.volunteers.values()) if (isActive(d, volunteer) && mayCompute(unit, volunteer)) return true;
  return false;
}

/**
 * A unit that failed on some volunteers goes to another one when another active one is
 * around (it may be that volunteer's fault); otherwise it is retried where it failed.
 */
function preferOthers(d: Domain, unit: OpenUnit, volunteer: VolunteerState): boolean {
  if (!unit.failedOn.has(volunteer.id)) return false;
  for (const other of d.volunteers.values()) {
    if (isActive(d, other) && mayCompute(unit, other) && !unit.failedOn.has(other.id)) return true;
  }
  return false;
}

/** Whether the unit needs one more lease and this volunteer may take it. */
function wantsVolunteer(d: Domain, unit: OpenUnit, volunteer: VolunteerState): boolean {
  if (!mayCompute(unit, volunteer) || preferOthers(d, unit, volunteer)) return false;
  for (const leaseId of unit.leases) if (volunteer.leases.has(leaseId)) return false;
  const agreeing = bestAgreement(unit)?.volunteers.length ?? 0;
  return agreeing + unit.leases.size < unit.quorum;
}

function openUnitFor(d: Domain, job: ActiveJob, volunteer: VolunteerState): OpenUnit | undefined {
  for (const unit of job.open.values()) if (wantsVolunteer(d, unit, volunteer)) return unit;
  return undefined;
}

function hasUntouched(job: ActiveJob): boolean {
  while (job.cutCursor < job.chunks.length && job.chunks[job.cutCursor]!.untouched.length === 0) job.cutCursor++;
  return job.cutCursor < job.chunks.length;
}

function activeVolunteerCount(d: Domain): number {
  let count = 0;
  for (const volunteer of d.volunteers.values()) if (isActive(d, volunteer)) count++;
  return count;
}

/** Cuts the next unit off the first chunk with untouched numbers. */
function cutNextUnit(d: Domain, job: ActiveJob): OpenUnit {
  const chunk = job.chunks[job.cutCursor]!;
  const range = chunk.untouched[0]!;
  const { unit, rest } = cutUnit(range, d.policy.unitSize);
  if (rest) chunk.untouched[0] = rest;
  else chunk.untouched.shift();
  const spotCheck = d.policy.replication < 2 && activeVolunteerCount(d) >= 2 && d.random() < d.policy.spotCheckRate;
  const open = newOpenUnit({
    key: `${chunk.index}:${unit.lo}`,
    jobId: job.record.id,
    chunkIndex: chunk.index,
    lo: unit.lo,
    hi: unit.hi,
    quorum: spotCheck ? 2 : Math.max(1, d.policy.replication),
    spotCheck,
    excluded: new Set(),
    audit: undefined,
  });
  job.open.set(open.key, open);
  return open;
}

/** The next unit this volunteer should compute, or undefined when there is none for it. */
export function nextUnit(d: Domain, volunteer: VolunteerState): { job: ActiveJob; unit: OpenUnit } | undefined {
  let chosen: { job: ActiveJob; unit: OpenUnit | undefined } | undefined;
  for (const job of d.active.values()) {
    if (chosen && job.leasesInFlight >= chosen.job.leasesInFlight) continue;
    const unit = openUnitFor(d, job, volunteer);
    if (unit || hasUntouched(job)) chosen = { job, unit };
  }
  if (!chosen) return undefined;
  return { job: chosen.job, unit: chosen.unit ?? cutNextUnit(d, chosen.job) };
}
