/**
 * The wire after kinds: a deployed tab (hello without kinds, leases {leaseId, jobId, lo, hi,
 * deadline}, results {leaseId, count}) keeps working, and a volunteer that does not compute a
 * job's kind is never given its units.
 */
import { describe, expect, test } from 'vitest';
import { connectSocket, getJob, startTestCoordinator, submitJob, TEST_WORKER_TOKEN, waitFor } from './support/harness.js';

describe('the wire with job kinds', () => {
  test('a volunteer from before kinds gets sieve-count leases in the old shape and its count is accepted', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '10000' });
    await using old = await connectSocket(coordinator.apiUrl);
    // Trusted, so that its count alone decides the unit (the hello shape is the old one).
    expect(await old.call('volunteer:hello', { kind: 'node', threads: 1, token: TEST_WORKER_TOKEN })).toMatchObject({ ok: true });
    const jobId = await submitJob(coordinator.apiUrl, 10_000, 1);
    const ack = (await old.call('lease:request', { slots: 1 })) as { ok: true; leases: Record<string, unknown>[] };
    expect(ack.leases).toHaveLength(1);
    const lease = ack.leases[0]!;
    expect(Object.keys(lease).sort()).toEqual(['deadline', 'hi', 'jobId', 'leaseId', 'lo']);
    expect(lease).toMatchObject({ jobId, lo: 1, hi: 10_000 });
    expect(await old.call('lease:result', { leaseId: lease['leaseId'], count: 1229 })).toEqual({ ok: true, accepted: true });
    await waitFor('the job to succeed', async () => ((await getJob(coordinator.apiUrl, jobId)).state === 'SUCCESS' ? true : undefined));
    expect((await getJob(coordinator.apiUrl, jobId)).result?.prime_count).toBe(1229);
  });

  test('a result must be exactly one of count and result, and fit the unit kind', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '10000' });
    await using client = await connectSocket(coordinator.apiUrl);
    await client.call('volunteer:hello', { kind: 'node', threads: 1, kinds: ['sieve-count'] });
    await submitJob(coordinator.apiUrl, 10_000, 1);
    const ack = (await client.call('lease:request', { slots: 1 })) as { ok: true; leases: { leaseId: string }[] };
    const leaseId = ack.leases[0]!.leaseId;
    expect(await client.call('lease:result', { leaseId, count: 1229, result: 1229 })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await client.call('lease:result', { leaseId, result: { primes: 1229 } })).toEqual({
      ok: false,
      error: { code: 'bad_request', message: "the result does not fit the unit's kind" },
    });
    expect(await client.call('lease:result', { leaseId, result: 1229 })).toEqual({ ok: true, accepted: true });
  });

  test('a volunteer that does not compute the job kind is given none of its units', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '10000' });
    await using other = await connectSocket(coordinator.apiUrl);
    await other.call('volunteer:hello', { kind: 'node', threads: 1, kinds: ['twin-count'] });
    await submitJob(coordinator.apiUrl, 10_000, 1);
    expect(await other.call('lease:request', { slots: 1 })).toEqual({ ok: true, leases: [] });
  });

  test('range units go only to volunteers that declare the kind; their leases carry the numbers, their results the summary', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '10000' });
    const response = await fetch(`${coordinator.apiUrl}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'twin-count', from: '18446744073709541616', to: '18446744073709551615', chunks: 1 }),
    });
    const { job_id: jobId } = (await response.json()) as { job_id: string };
    await using old = await connectSocket(coordinator.apiUrl);
    await old.call('volunteer:hello', { kind: 'node', threads: 1, token: TEST_WORKER_TOKEN });
    await using sieveOnly = await connectSocket(coordinator.apiUrl);
    await sieveOnly.call('volunteer:hello', { kind: 'browser', threads: 1, kinds: ['sieve-count', 'max-gap'] });
    expect(await old.call('lease:request', { slots: 1 })).toEqual({ ok: true, leases: [] });
    expect(await sieveOnly.call('lease:request', { slots: 1 })).toEqual({ ok: true, leases: [] });
    await using twins = await connectSocket(coordinator.apiUrl);
    await twins.call('volunteer:hello', { kind: 'node', threads: 1, kinds: ['twin-count'], token: TEST_WORKER_TOKEN });
    const ack = (await twins.call('lease:request', { slots: 1 })) as { ok: true; leases: Record<string, unknown>[] };
    expect(ack.leases).toEqual([
      expect.objectContaining({ jobId, lo: 1, hi: 10_000, kind: 'twin-count', unit: { lo: '18446744073709541616', hi: '18446744073709551615' } }),
    ]);
    const leaseId = ack.leases[0]!['leaseId'];
    expect(await twins.call('lease:result', { leaseId, count: 3 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await twins.call('lease:result', { leaseId, result: { twins: 1, first: null, last: null } })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    // The window's twin pairs, first and last primes (by primesieve); a trusted word decides alone.
    const result = { twins: 6, first: '18446744073709541621', last: '18446744073709551557' };
    expect(await twins.call('lease:result', { leaseId, result })).toEqual({ ok: true, accepted: true });
    await waitFor('the job to succeed', async () => ((await getJob(coordinator.apiUrl, jobId)).state === 'SUCCESS' ? true : undefined));
    expect((await getJob(coordinator.apiUrl, jobId)).result).toMatchObject({ twin_count: 6 });
  });
});
