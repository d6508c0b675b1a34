import { describe, expect, test } from 'vitest';
import { SIEVE_COUNT } from '../shared/kinds/sieve-count/index.js';
import { loadConfig } from './config.js';
import { createDomain } from './domain.js';
import { createJob } from './jobs/create-job.js';
import { grantLeases } from './leases/grant-leases.js';
import { registerVolunteer, removeVolunteer } from './leases/volunteers.js';
import type { Domain } from './model.js';
import { ACTIVE_WINDOW_MS } from './scheduler.js';
import { MemoryJobStore } from './store/memory-store.js';
import { RateMeter, SWARM_SNAPSHOT_MS, SwarmSnapshot, swarmStats } from './swarm-stats.js';
import { trustPolicy } from './trust/trust-state.js';

test('the rate counts what was accepted in the last 5 s, and forgets older units', () => {
  let clock = 1_000_000;
  const rate = new RateMeter(() => clock);
  expect(rate.perSecond()).toBe(0);
  rate.add(1000);
  clock += 1000;
  rate.add(500);
  rate.add(500);
  expect(rate.perSecond()).toBe(400);
  clock += 4050;
  expect(rate.perSecond()).toBe(200);
  clock += 1000;
  expect(rate.perSecond()).toBe(0);
  // A bucket reused after a full turn of the ring starts from zero.
  rate.add(250);
  expect(rate.perSecond()).toBe(50);
});

describe('the swarm numbers', () => {
  let clock = 1_000_000;
  const events = { jobChanged: () => {}, workAvailable: () => {}, unitAccepted: () => {}, leasesRevoked: () => {} };
  const setup = () => {
    const store = new MemoryJobStore();
    const d = createDomain({ store, policy: { unitSize: 1000, leaseTimeoutMs: 60_000, maxAttempts: 3 }, trust: trustPolicy(loadConfig({})), events, now: () => clock });
    return { d, rate: new RateMeter(() => clock) };
  };
  const join = (d: Domain, id: string, kind: 'node' | 'browser', threads: number) =>
    registerVolunteer(d, id, { kind, threads }, { network: `net-${id}`, trusted: true });

  test('a volunteer busy on a long unit offers its threads though it has not asked for work lately', () => {
    const { d, rate } = setup();
    createJob(d, SIEVE_COUNT, { n: 100_000 }, 1);
    join(d, 'busy', 'node', 4);
    join(d, 'idle', 'browser', 2);
    join(d, 'gone-quiet', 'node', 8);
    expect(grantLeases(d, 'busy', 1)).toHaveLength(1);
    clock += ACTIVE_WINDOW_MS + 1;
    // The idle one polls; the quiet one neither asks nor holds a unit.
    d.volunteers.get('idle')!.lastRequestAt = clock;
    expect(swarmStats(d, rate)).toMatchObject({ volunteers: 3, threads: 6, browsers: 1, nodes: 2, leasesInFlight: 1, activeJobs: 1 });
  });

  test('the snapshot counts the volunteers once per second, and again at once when one joins or leaves', () => {
    const { d, rate } = setup();
    const swarm = new SwarmSnapshot(d, rate);
    join(d, 'a', 'node', 2);
    expect(swarm.current()).toMatchObject({ volunteers: 1, threads: 2 });
    d.volunteers.get('a')!.threads = 5;
    expect(swarm.current().threads).toBe(2);
    join(d, 'b', 'browser', 1);
    expect(swarm.current()).toMatchObject({ volunteers: 2, threads: 6, browsers: 1 });
    d.volunteers.get('b')!.threads = 3;
    clock += SWARM_SNAPSHOT_MS;
    expect(swarm.current()).toMatchObject({ volunteers: 2, threads: 8, at: clock });
    removeVolunteer(d, 'a');
    expect(swarm.current()).toMatchObject({ volunteers: 1, threads: 3, nodes: 0 });
  });
});
