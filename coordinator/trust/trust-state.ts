/**
 * Trust has one home: this folder. Who is an independent party (network.ts, parties.ts), how
 * votes on a unit decide (votes.ts, cast-vote.ts, settle-unit.ts), reputation and quarantine
 * (settle-unit.ts, quarantine.ts), units nobody can decide (undecided.ts) and verified totals
 * (verifier.ts, verified-totals.ts). Report, settle, scheduler and gateway code call these;
 * nothing outside this folder changes this state.
 */
import type { Config } from '../config.js';
import type { UnitResult } from '../model.js';
import { AddressSet, type NetworkRules } from './network.js';

export interface TrustPolicy {
  /** Distinct networks whose agreeing reports accept a stranger's count (REPLICATION). */
  quorum: number;
  /** Share of units replicated even when a reputable stranger's word alone would do. */
  spotCheckRate: number;
  /** Confirmed results in a row before a stranger's word alone may do (only in verified jobs). */
  trustAfter: number;
  /** How long a caught volunteer's network is refused work. */
  quarantineMs: number;
  /** How long a unit may wait for a vote nobody can give before its job fails; 0: forever. */
  disputeTimeoutMs: number;
  /** Connections one network may hold at once; 0: no limit. */
  maxConnectionsPerNetwork: number;
  /** The operator's token for trusted workers; undefined: no token is accepted. */
  workerToken: string | undefined;
  /** Addresses whose volunteers are all trusted (a private swarm); `*` is everyone. */
  trustedNetworks: readonly string[];
  networkPrefixV4: number;
  networkPrefixV6: number;
  trustedProxies: readonly string[];
}

/** One volunteer's report on a unit, with who it came from. */
export interface Vote {
  /** Canonical form of `result`; votes agree exactly when their keys are equal. */
  key: string;
  result: UnitResult;
  network: string;
  trusted: boolean;
}

export interface TrustState {
  policy: TrustPolicy;
  rules: NetworkRules;
  trustedNetworks: AddressSet;
  /** Networks refused work, with the time the refusal ends. */
  quarantinedNetworks: Map<string, number>;
  /** Open connections per network. */
  connections: Map<string, number>;
}

export function createTrustState(policy: TrustPolicy): TrustState {
  return {
    policy,
    rules: {
      prefixV4: policy.networkPrefixV4,
      prefixV6: policy.networkPrefixV6,
      trustedProxies: new AddressSet(policy.trustedProxies),
    },
    trustedNetworks: new AddressSet(policy.trustedNetworks),
    quarantinedNetworks: new Map(),
    connections: new Map(),
  };
}

export function trustPolicy(config: Config): TrustPolicy {
  return {
    quorum: config.REPLICATION,
    spotCheckRate: config.SPOT_CHECK_RATE,
    trustAfter: config.TRUST_AFTER,
    quarantineMs: config.QUARANTINE_TIME,
    disputeTimeoutMs: config.DISPUTE_TIMEOUT,
    maxConnectionsPerNetwork: config.MAX_CONNECTIONS_PER_NETWORK,
    workerToken: config.WORKER_TOKEN,
    trustedNetworks: config.TRUSTED_NETWORKS,
    networkPrefixV4: config.NETWORK_PREFIX_V4,
    networkPrefixV6: config.NETWORK_PREFIX_V6,
    trustedProxies: config.TRUSTED_PROXIES,
  };
}
