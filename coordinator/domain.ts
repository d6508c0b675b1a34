import { randomUUID } from 'node:crypto';
import { emptyActiveVolunteers } from './leases/active-volunteers.js';
import { createLeaseLimits, DEFAULT_LEASE_LIMITS, type LeaseLimitSettings } from './leases/lease-limits.js';
import type { Domain, DomainEvents, LeasePolicy } from './model.js';
import type { JobStore } from './store/job-store.js';
import { createTrustState, type TrustPolicy } from './trust/trust-state.js';
import type { TotalVerifier } from './trust/verifier.js';

export interface DomainDeps {
  store: JobStore;
  policy: LeasePolicy;
  trust: TrustPolicy;
  verifier?: TotalVerifier;
  leaseLimits?: LeaseLimitSettings;
  events: DomainEvents;
  now?: () => number;
  random?: () => number;
  newId?: () => string;
}

/** An empty domain over a store; call restoreJobs() to load what the store holds. */
export function createDomain(deps: DomainDeps): Domain {
  return {
    jobs: new Map(),
    active: new Map(),
    leases: new Map(),
    volunteers: new Map(),
    activeVolunteers: emptyActiveVolunteers(),
    quarantined: new Set(),
    store: deps.store,
    policy: deps.policy,
    trust: createTrustState(deps.trust),
    verifier: deps.verifier,
    limits: createLeaseLimits(deps.leaseLimits ?? DEFAULT_LEASE_LIMITS, deps.policy),
    events: deps.events,
    now: deps.now ?? Date.now,
    newId: deps.newId ?? randomUUID,
    random: deps.random ?? Math.random,
  };
}
