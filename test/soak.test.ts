/**
 * Adversarial soak (not timed): honest workers and liars of several strategies share a
 * coordinator with the default trust settings for 20 jobs. 127.0.0.x addresses stand for
 * distinct networks. Liars on different networks lie differently: agreeing lies from several
 * networks are collusion across networks, which only a trusted worker or a verified total
 * can beat (see the README).
 */
import { expect, test } from 'vitest';
import { loadKernel } from '../shared/sieve/index.js';
import { followJob, spawnWorker, startTestCoordinator, submitJob, waitFor } from './support/harness.js';
import { afterHonest, always, disposeAll, everyNth, failingPool, honest, socketVolunteer, strategyPool } from './support/volunteers.js';

const kernel = await loadKernel();
const countPrimes = (lo: number, hi: number): number => kernel.countPrimes(lo, hi);

test.each([
  ['with a trusted worker', true],
  ['with strangers only', false],
])('20 jobs among honest workers and liars, %s: all exact, every job finished, no honest volunteer quarantined', async (_name, withTrusted) => {
  await using coordinator = await startTestCoordinator({ NETWORK_PREFIX_V4: '32', UNIT_SIZE: '100000' });
  const at = (localAddress: string, pool: Parameters<typeof socketVolunteer>[1]['pool'], name: string) =>
    socketVolunteer(coordinator.apiUrl, { localAddress, pool, name });
  const honestStrangers = [at('127.0.0.3', strategyPool(honest), 'honest-3'), at('127.0.0.4', strategyPool(honest), 'honest-4')];
  const liars = [
    at('127.0.0.5', strategyPool(always(1)), 'constant'),
    at('127.0.0.6', strategyPool(everyNth(10, 2)), 'occasional'),
    at('127.0.0.7', strategyPool(afterHonest(30, 4)), 'patient'),
    at('127.0.0.8', strategyPool(always(3)), 'colluder-1'),
    at('127.0.0.8', strategyPool(always(3)), 'colluder-2'),
    at('127.0.0.9', failingPool(), 'failing'),
  ];
  await using _volunteers = disposeAll([...honestStrangers, ...liars]);
  await waitFor('volunteers to join', () =>
    [...honestStrangers, ...liars].every((v) => v.volunteer.stats.volunteerId) ? true : undefined,
  );
  await using _trusted = withTrusted ? spawnWorker(coordinator.apiUrl, 1) : undefined;

  const sizes = Array.from({ length: 20 }, (_, i) => 1_000_000 + i * 150_001);
  const jobs = await Promise.all(sizes.map(async (n) => ({ n, id: await submitJob(coordinator.apiUrl, n, 4) })));
  for (const { n, id } of jobs) {
    const final = (await followJob(coordinator.apiUrl, id, 180_000)).at(-1);
    expect(final).toMatchObject({ state: 'SUCCESS', result: { prime_count: countPrimes(1, n) } });
  }
  const d = coordinator.domain;
  for (const stranger of honestStrangers) for (const id of stranger.ids) expect(d.quarantined.has(id)).toBe(false);
  for (const volunteer of d.volunteers.values()) if (volunteer.trusted) expect(volunteer.quarantined).toBe(false);
  expect([...liars[0]!.ids].some((id) => d.quarantined.has(id))).toBe(true);
}, 300_000);
