/**
 * The open units that want another lease now, kept per job so a grant looks at those only
 * instead of every open unit. A unit wants a lease when no trusted worker holds one on it and
 * its leases in flight are fewer than the votes it still misses (trust/votes.ts). The index is
 * split by how a trusted worker ranks the unit: disputed first, then awaiting confirmation,
 * then fresh.
 *
 * Invariant: `unit.wantRank` and the job's `wanting` sets agree with the unit's votes and
 * leases. Every change to a unit's votes or leases, and its opening and closing, calls
 * `indexUnit` (grant, drop, vote, audit, quarantine, accept).
 */
import type { ActiveJob, Domain, OpenUnit } from '../model.js';
import { trustedLeaseInFlight } from '../trust/parties.js';
import { groupVotes, votesMissing } from '../trust/votes.js';

export const WantRank = { None: -1, Fresh: 0, Confirming: 1, Disputed: 2 } as const;
export type WantRank = (typeof WantRank)[keyof typeof WantRank];

/** Ranks from the first a trusted worker takes to the last. */
export const WANT_RANKS_BY_PRIORITY = [WantRank.Disputed, WantRank.Confirming, WantRank.Fresh] as const;

export function emptyWanting(): ActiveJob['wanting'] {
  return [new Set(), new Set(), new Set()];
}

function rankOf(d: Domain, job: ActiveJob, unit: OpenUnit): WantRank {
  if (job.open.get(unit.key) !== unit) return WantRank.None;
  // A trusted worker's answer decides alone: nobody else is needed while it computes.
  if (trustedLeaseInFlight(d, unit)) return WantRank.None;
  if (unit.leases.size >= votesMissing(unit, d.trust.policy.quorum)) return WantRank.None;
  if (unit.votes.size === 0) return WantRank.Fresh;
  return groupVotes(unit.votes).length > 1 ? WantRank.Disputed : WantRank.Confirming;
}

/** Puts the unit where it belongs in its job's index after its votes, leases or openness changed. O(votes + leases) of the unit. */
export function indexUnit(d: Domain, job: ActiveJob, unit: OpenUnit): void {
  const rank = rankOf(d, job, unit);
  if (rank === unit.wantRank) return;
  if (unit.wantRank !== WantRank.None) job.wanting[unit.wantRank].delete(unit);
  unit.wantRank = rank;
  if (rank !== WantRank.None) job.wanting[rank].add(unit);
}
