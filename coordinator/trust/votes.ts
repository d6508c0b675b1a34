/**
 * How the votes on a unit decide. Results are compared only through `resultKey`, a canonical
 * string, so a result may be any JSON value (a count today, richer objects later).
 *
 * Rules, in order:
 * 1. A trusted vote decides alone; strangers who voted otherwise are outvoted.
 * 2. Among strangers, a result wins when its voters span at least `quorum` distinct networks
 *    and more networks than any other result; the others are outvoted.
 * 3. A lone vote of a reputable stranger is accepted, unconfirmed, where the caller allows it
 *    (jobs whose total is verified).
 * 4. Otherwise the unit waits. A tie punishes nobody: it waits for a third network or a
 *    trusted worker.
 */
import type { OpenUnit, UnitResult } from '../model.js';
import type { Vote } from './trust-state.js';

export function resultKey(result: UnitResult): string {
  return canonicalJson(result);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface VoteGroup {
  key: string;
  result: UnitResult;
  voters: string[];
  networks: Set<string>;
  trustedVoters: number;
}

export type Decision =
  | {
      kind: 'accept';
      result: UnitResult;
      key: string;
      supporters: string[];
      /** Voters of another result, with their networks. */
      outvoted: { volunteerId: string; network: string; trusted: boolean }[];
      /** Whether someone other than one stranger vouches for it. */
      confirmed: boolean;
    }
  | { kind: 'wait'; disputed: boolean };

export function groupVotes(votes: ReadonlyMap<string, Vote>): VoteGroup[] {
  const groups = new Map<string, VoteGroup>();
  for (const [volunteerId, vote] of votes) {
    let group = groups.get(vote.key);
    if (!group) {
      group = { key: vote.key, result: vote.result, voters: [], networks: new Set(), trustedVoters: 0 };
      groups.set(vote.key, group);
    }
    group.voters.push(volunteerId);
    group.networks.add(vote.network);
    if (vote.trusted) group.trustedVoters++;
  }
  return [...groups.values()];
}

/** The one group strictly ahead of every other by `score`, if any. */
function leader(groups: VoteGroup[], score: (group: VoteGroup) => number): VoteGroup | undefined {
  const sorted = [...groups].sort((a, b) => score(b) - score(a));
  const [first, second] = sorted;
  if (!first || (second && score(second) === score(first))) return undefined;
  return first;
}

export function decide(unit: OpenUnit, quorum: number, loneVoteSuffices: (volunteerId: string) => boolean): Decision {
  // Rule 1 with nobody else voting, the common case, decided without grouping the votes.
  if (unit.votes.size === 1) {
    for (const [volunteerId, vote] of unit.votes) {
      if (vote.trusted) return { kind: 'accept', result: vote.result, key: vote.key, supporters: [volunteerId], outvoted: [], confirmed: true };
    }
  }
  const groups = groupVotes(unit.votes);
  const disputed = groups.length > 1;
  const accept = (winner: VoteGroup, confirmed: boolean): Decision => ({
    kind: 'accept',
    result: winner.result,
    key: winner.key,
    supporters: winner.voters,
    outvoted: [...unit.votes]
      .filter(([, vote]) => vote.key !== winner.key)
      .map(([volunteerId, vote]) => ({ volunteerId, network: vote.network, trusted: vote.trusted })),
    confirmed,
  });
  if (groups.some((group) => group.trustedVoters > 0)) {
    const winner = leader(groups, (group) => group.trustedVoters);
    return winner ? accept(winner, true) : { kind: 'wait', disputed: true };
  }
  const winner = leader(groups, (group) => group.networks.size);
  if (winner && winner.networks.size >= quorum) return accept(winner, true);
  const lone = groups.length === 1 && unit.votes.size === 1 ? groups[0]! : undefined;
  if (lone && loneVoteSuffices(lone.voters[0]!)) return accept(lone, false);
  return { kind: 'wait', disputed };
}

/** How many more votes the unit needs before it can possibly be decided (leases in flight aside). */
export function votesMissing(unit: OpenUnit, quorum: number): number {
  if (unit.votes.size === 0) return 1;
  const groups = groupVotes(unit.votes);
  if (groups.length > 1) return 1;
  return Math.max(1, quorum - groups[0]!.networks.size);
}
