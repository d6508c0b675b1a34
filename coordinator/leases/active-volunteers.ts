/**
 * The volunteers taking work now, indexed by the kinds they compute and their networks, so
 * that "may anyone taking work still vote on this unit?" (the undecided sweep, every job
 * view) and "is someone on another network taking work?" (a grant of a unit that failed on
 * the asker's network) look at the networks that may not take the unit and one witness,
 * not at every connected volunteer: 10,000 volunteers of one network made each of these a
 * full scan, per waiting unit per sweep and per grant.
 *
 * Invariant: every volunteer that `isActive` is in the index (it may also hold volunteers
 * that stopped being active since: a volunteer enters when it says hello or asks for work,
 * leaves when it disconnects, and is pruned, oldest request first, once it has not asked for
 * ACTIVE_WINDOW_MS). Every witness is checked with the exact rules (`isActive`, `mayVote`),
 * so a stale entry costs one look, never a wrong answer.
 */
import type { Domain, OpenUnit, VolunteerState } from '../model.js';
import { mayVote, networkQuarantined, networksBlockedFrom, refusesWork } from '../trust/parties.js';

/**
 * Volunteers ask for work at least every few seconds while they want any (idle ones poll),
 * so one that has not asked for this long is paused or stuck: it must not be waited for.
 */
export const ACTIVE_WINDOW_MS = 15_000;

/** Whether a volunteer is taking work now (connected, not refused, and asking). */
export function isActive(d: Domain, volunteer: VolunteerState): boolean {
  return !refusesWork(d, volunteer) && d.now() - volunteer.lastRequestAt <= ACTIVE_WINDOW_MS;
}

interface NetworkMembers {
  trusted: Set<VolunteerState>;
  strangers: Set<VolunteerState>;
}

export interface ActiveVolunteers {
  /** Indexed volunteers in the order of their last request, oldest first. */
  readonly recent: Set<VolunteerState>;
  /** Per job kind, the indexed volunteers that compute it, per network. */
  readonly byKind: Map<string, Map<string, NetworkMembers>>;
}

export function emptyActiveVolunteers(): ActiveVolunteers {
  return { recent: new Set(), byKind: new Map() };
}

/** The volunteer said hello or asked for work (call after setting `lastRequestAt`). O(kinds it computes) on entry, O(1) after. */
export function markActive(d: Domain, volunteer: VolunteerState): void {
  const { recent, byKind } = d.activeVolunteers;
  // A caught volunteer is never active again: it does not enter.
  if (volunteer.quarantined) return;
  if (recent.delete(volunteer)) {
    recent.add(volunteer);
    return;
  }
  recent.add(volunteer);
  for (const kind of volunteer.computes) {
    let networks = byKind.get(kind);
    if (!networks) byKind.set(kind, (networks = new Map()));
    let members = networks.get(volunteer.network);
    if (!members) networks.set(volunteer.network, (members = { trusted: new Set(), strangers: new Set() }));
    (volunteer.trusted ? members.trusted : members.strangers).add(volunteer);
  }
}

/** The volunteer disconnected (or stopped asking): it leaves the index. */
export function forgetActive(d: Domain, volunteer: VolunteerState): void {
  const { recent, byKind } = d.activeVolunteers;
  if (!recent.delete(volunteer)) return;
  for (const kind of volunteer.computes) {
    const networks = byKind.get(kind);
    const members = networks?.get(volunteer.network);
    if (!networks || !members) continue;
    (volunteer.trusted ? members.trusted : members.strangers).delete(volunteer);
    if (members.trusted.size === 0 && members.strangers.size === 0) networks.delete(volunteer.network);
    if (networks.size === 0) byKind.delete(kind);
  }
}

/** Drops the volunteers that have not asked within the window, oldest first. Amortised O(1) per request. */
function prune(d: Domain): void {
  const now = d.now();
  for (const volunteer of d.activeVolunteers.recent) {
    if (now - volunteer.lastRequestAt <= ACTIVE_WINDOW_MS) break;
    forgetActive(d, volunteer);
  }
}

/**
 * Whether some volunteer taking work now may vote on (so be leased) the unit, on a network
 * not in `avoid` when given. O(networks blocked or avoided + volunteers excluded from the
 * unit + stale entries), whatever the number of volunteers.
 */
export function someoneMayVote(d: Domain, unit: OpenUnit, avoid?: ReadonlyMap<string, unknown>): boolean {
  const kind = d.jobs.get(unit.jobId)?.kind;
  if (kind === undefined) return false;
  prune(d);
  const networks = d.activeVolunteers.byKind.get(kind);
  if (!networks) return false;
  let blocked: Set<string> | undefined;
  for (const [network, members] of networks) {
    if (avoid?.has(network)) continue;
    // A trusted worker is held back only by its own vote or an exclusion, never by its network.
    for (const volunteer of members.trusted) if (isActive(d, volunteer) && mayVote(d, unit, volunteer)) return true;
    if (members.strangers.size === 0) continue;
    blocked ??= networksBlockedFrom(d, unit);
    if (blocked.has(network) || networkQuarantined(d, network)) continue;
    for (const volunteer of members.strangers) if (isActive(d, volunteer) && mayVote(d, unit, volunteer)) return true;
  }
  return false;
}
