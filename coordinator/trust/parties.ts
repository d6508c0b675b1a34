/**
 * Who a volunteer is to the vote: its network and whether it is trusted, and which units it
 * may vote on. One network never supplies two votes on one unit, nor holds two leases on it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Domain, OpenUnit, VolunteerState } from '../model.js';
import { clientAddress, networkOf } from './network.js';

export interface Party {
  network: string;
  trusted: boolean;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time comparison (digests first, so lengths leak nothing either). */
function tokenMatches(expected: string, given: string): boolean {
  return timingSafeEqual(digest(expected), digest(given));
}

/**
 * The party behind a hello: trusted with the operator's WORKER_TOKEN or from a trusted
 * network. Undefined when a token is given and wrong: the caller refuses it rather than
 * ignoring it, so a misconfigured worker learns at once instead of working as a stranger.
 */
export function identifyParty(d: Pick<Domain, 'trust'>, address: string, token: string | undefined): Party | undefined {
  const { trust } = d;
  const network = networkOf(address, trust.rules);
  if (token !== undefined) {
    const expected = trust.policy.workerToken;
    if (expected === undefined || !tokenMatches(expected, token)) return undefined;
    return { network, trusted: true };
  }
  return { network, trusted: trust.trustedNetworks.has(address) };
}

/** Whether the network is refused work now (a volunteer on it was caught). Trusted workers never are. */
export function networkQuarantined(d: Domain, network: string): boolean {
  const until = d.trust.quarantinedNetworks.get(network);
  if (until === undefined) return false;
  if (until > d.now()) return true;
  d.trust.quarantinedNetworks.delete(network);
  return false;
}

/** Whether the volunteer gets no work: caught itself, or a stranger on a caught network. */
export function refusesWork(d: Domain, volunteer: VolunteerState): boolean {
  return volunteer.quarantined || (!volunteer.trusted && networkQuarantined(d, volunteer.network));
}

/**
 * Whether this volunteer may vote on (and so be leased) this unit. A stranger may not when its
 * network already votes on or holds the unit, or failed it MAX_ATTEMPTS times.
 */
export function mayVote(d: Domain, unit: OpenUnit, volunteer: VolunteerState): boolean {
  if (refusesWork(d, volunteer) || unit.excluded.has(volunteer.id) || unit.votes.has(volunteer.id)) return false;
  const kind = d.jobs.get(unit.jobId)?.kind;
  if (kind === undefined || !volunteer.computes.has(kind)) return false;
  if (volunteer.trusted) return true;
  if ((unit.failedOn.get(volunteer.network) ?? 0) >= d.policy.maxAttempts) return false;
  if (unit.audit?.voters.some((voter) => voter.network === volunteer.network)) return false;
  for (const vote of unit.votes.values()) if (vote.network === volunteer.network) return false;
  for (const leaseId of unit.leases) {
    const holder = d.leases.get(leaseId)?.volunteerId;
    if (holder !== undefined && d.volunteers.get(holder)?.network === volunteer.network) return false;
  }
  return true;
}

/**
 * The networks whose strangers may not take the unit (mayVote's network rules): those that
 * vote on it or hold a lease on it, its audited voters', and those that failed it
 * MAX_ATTEMPTS times. O(votes + leases) of the unit.
 */
export function networksBlockedFrom(d: Domain, unit: OpenUnit): Set<string> {
  const networks = new Set<string>();
  for (const vote of unit.votes.values()) networks.add(vote.network);
  for (const leaseId of unit.leases) {
    const holder = d.leases.get(leaseId)?.volunteerId;
    const network = holder === undefined ? undefined : d.volunteers.get(holder)?.network;
    if (network !== undefined) networks.add(network);
  }
  for (const voter of unit.audit?.voters ?? []) networks.add(voter.network);
  for (const [network, failures] of unit.failedOn) if (failures >= d.policy.maxAttempts) networks.add(network);
  return networks;
}

/** Whether a trusted worker holds a lease on the unit (its answer will decide; no one else is needed). */
export function trustedLeaseInFlight(d: Domain, unit: OpenUnit): boolean {
  for (const leaseId of unit.leases) {
    const holder = d.leases.get(leaseId)?.volunteerId;
    if (holder !== undefined && d.volunteers.get(holder)?.trusted) return true;
  }
  return false;
}

/**
 * A new connection: its client address (the peer, or X-Forwarded-For behind a trusted
 * proxy) and network, and whether the network may open it (MAX_CONNECTIONS_PER_NETWORK).
 * An admitted connection must be given back with releaseConnection.
 */
export function admitConnection(
  d: Domain,
  peer: string,
  forwardedFor: string | string[] | undefined,
): { address: string; network: string; admitted: boolean } {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const address = clientAddress(peer, header, d.trust.rules);
  const network = networkOf(address, d.trust.rules);
  const open = d.trust.connections.get(network) ?? 0;
  const limit = d.trust.policy.maxConnectionsPerNetwork;
  if (limit > 0 && open >= limit) return { address, network, admitted: false };
  d.trust.connections.set(network, open + 1);
  return { address, network, admitted: true };
}

export function releaseConnection(d: Domain, network: string): void {
  const open = (d.trust.connections.get(network) ?? 1) - 1;
  if (open <= 0) d.trust.connections.delete(network);
  else d.trust.connections.set(network, open);
}

/** Who a failure counts against: a stranger's network (once per unit), or each failure of a trusted worker. */
export function failureParty(volunteer: VolunteerState, attempt: number): string {
  return volunteer.trusted ? `trusted:${volunteer.id}:${attempt}` : volunteer.network;
}
