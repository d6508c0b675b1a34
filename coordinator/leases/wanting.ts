/**
 * The open units that want another lease now, kept per job so a grant looks at those only
 * instead of every open unit. A unit wants a lease when no trusted worker holds one on it and
 * its leases in flight are fewer than the votes it still misses (trust/votes.ts). The index is
 * split by how a trusted worker ranks the unit (disputed first, then awaiting confirmation,
 * then fresh), and within a rank grouped by the networks whose strangers may not take the
 * unit (its voters', its lease holders', its audited voters', and those that failed it too
 * often: trust/parties.ts mayVote). A stranger skips the groups naming its network whole, so
 * a network that voted on a thousand waiting units does not look at each of them per grant.
 *
 * Invariant: `unit.want` and the job's `wanting` index agree with the unit's votes, leases
 * and failures. Every change to those, and the unit's opening and closing, calls `indexUnit`
 * (grant, drop, vote, failure, audit, quarantine, accept).
 */
import type { ActiveJob, Domain, OpenUnit, WantGroup } from '../model.js';
import { networksBlockedFrom, trustedLeaseInFlight } from '../trust/parties.js';
import { groupVotes, votesMissing } from '../trust/votes.js';

export const WantRank = { None: -1, Fresh: 0, Confirming: 1, Disputed: 2 } as const;
export type WantRank = (typeof WantRank)[keyof typeof WantRank];

/** Ranks from the first a trusted worker takes to the last. */
export const WANT_RANKS_BY_PRIORITY = [WantRank.Disputed, WantRank.Confirming, WantRank.Fresh] as const;

export function emptyWanting(): ActiveJob['wanting'] {
  return [new Map(), new Map(), new Map()];
}

function rankOf(d: Domain, job: ActiveJob, unit: OpenUnit): WantRank {
  if (job.open.get(unit.key) !== unit) return WantRank.None;
  // A trusted worker's answer decides alone: nobody else is needed while it computes.
  if (trustedLeaseInFlight(d, unit)) return WantRank.None;
  if (unit.leases.size >= votesMissing(unit, d.trust.policy.quorum)) return WantRank.None;
  if (unit.votes.size === 0) return WantRank.Fresh;
  return groupVotes(unit.votes).length > 1 ? WantRank.Disputed : WantRank.Confirming;
}

/** The networks whose strangers may not take the unit, as a canonical key. */
function blockedNetworks(d: Domain, unit: OpenUnit): string {
  return JSON.stringify([...networksBlockedFrom(d, unit)].sort());
}

/** Puts the unit where it belongs in its job's index after its votes, leases, failures or openness changed. O(votes + leases) of the unit. */
export function indexUnit(d: Domain, job: ActiveJob, unit: OpenUnit): void {
  const rank = rankOf(d, job, unit);
  const blocked = rank === WantRank.None ? '' : blockedNetworks(d, unit);
  const current = unit.want;
  if (current?.rank === rank && current.blocked === blocked) return;
  if (current) {
    const group = job.wanting[current.rank].get(current.blocked);
    group?.units.delete(unit);
    if (group?.units.size === 0) job.wanting[current.rank].delete(current.blocked);
  }
  if (rank === WantRank.None) {
    unit.want = undefined;
    return;
  }
  unit.want = { rank, blocked };
  let group: WantGroup | undefined = job.wanting[rank].get(blocked);
  if (!group) {
    group = { networks: new Set(JSON.parse(blocked) as string[]), units: new Set() };
    job.wanting[rank].set(blocked, group);
  }
  group.units.add(unit);
}
