/**
 * A result that asks for the next units (`next`): its ack carries what a lease:request sent
 * right after it would have got, counted against the volunteer's lease cap, so a volunteer
 * sends one message per unit instead of two. Results without `next` are answered as before.
 */
import { expect, test } from 'vitest';
import { Volunteer, type VolunteerSocket } from '../client/volunteer.js';
import { io } from 'socket.io-client';
import { connectSocket, getJob, startTestCoordinator, submitJob, TEST_WORKER_TOKEN, waitFor } from './support/harness.js';
import { countSieveUnit, strategyPool, honest } from './support/volunteers.js';

interface WireLease {
  leaseId: string;
  lo: number;
  hi: number;
}
type RequestAck = { ok: true; leases: WireLease[] } | { ok: false; error: { code: string } };
const countOf = (lease: WireLease) => countSieveUnit({ lo: lease.lo, hi: lease.hi });
type ResultAck = { ok: true; accepted: boolean; next?: RequestAck } | { ok: false; error: { code: string } };

test('a result with next gets the next units in its ack, within the lease cap, to the exact count', async () => {
  await using coordinator = await startTestCoordinator({ UNIT_SIZE: '10000' });
  await using client = await connectSocket(coordinator.apiUrl);
  expect(await client.call('volunteer:hello', { kind: 'node', threads: 1, token: TEST_WORKER_TOKEN })).toMatchObject({ ok: true });
  const jobId = await submitJob(coordinator.apiUrl, 100_000, 1);
  // One thread and one unit in hand: it holds two.
  const first = (await client.call('lease:request', { slots: 2 })) as RequestAck;
  if (!first.ok) throw new Error(`refused: ${JSON.stringify(first)}`);
  expect(first.leases).toHaveLength(2);
  const held = [...first.leases];
  const units: WireLease[] = [...held];

  // Without next: the answer of old, exactly.
  const plain = held.shift()!;
  expect(await client.call('lease:result', { leaseId: plain.leaseId, count: countOf(plain) })).toEqual({ ok: true, accepted: true });

  // Asking for more than the cap allows gets what fits.
  const reported = held.shift()!;
  const ack = (await client.call('lease:result', { leaseId: reported.leaseId, count: countOf(reported), next: { slots: 5 } })) as ResultAck;
  expect(ack).toMatchObject({ ok: true, accepted: true, next: { ok: true } });
  if (!ack.ok || !ack.next?.ok) throw new Error(`refused: ${JSON.stringify(ack)}`);
  // It held none after reporting; the cap is two.
  expect(ack.next.leases).toHaveLength(2);
  held.push(...ack.next.leases);
  units.push(...ack.next.leases);

  // The rest of the job one message per unit.
  while (held.length > 0) {
    const lease = held.shift()!;
    const answer = (await client.call('lease:result', { leaseId: lease.leaseId, count: countOf(lease), next: { slots: 1 } })) as ResultAck;
    if (!answer.ok || !answer.next?.ok) throw new Error(`refused: ${JSON.stringify(answer)}`);
    expect(answer.accepted).toBe(true);
    expect(answer.next.leases.length).toBeLessThanOrEqual(1);
    held.push(...answer.next.leases);
    units.push(...answer.next.leases);
    expect(coordinator.domain.volunteers.values().next().value?.leases.size).toBe(held.length);
  }
  // Ten units of 10,000 numbers, each leased once.
  expect(units.map((unit) => unit.lo).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i * 10_000 + 1));
  await waitFor('the job to succeed', async () => ((await getJob(coordinator.apiUrl, jobId)).state === 'SUCCESS' ? true : undefined));
  expect((await getJob(coordinator.apiUrl, jobId)).result?.prime_count).toBe(9592);
});

test('next is refused like a lease request: a bad one refuses the message, an ignored result still gets its answer', async () => {
  await using coordinator = await startTestCoordinator({ UNIT_SIZE: '10000' });
  await using client = await connectSocket(coordinator.apiUrl);
  await client.call('volunteer:hello', { kind: 'node', threads: 1, token: TEST_WORKER_TOKEN });
  await submitJob(coordinator.apiUrl, 30_000, 1);
  const first = (await client.call('lease:request', { slots: 1 })) as RequestAck;
  if (!first.ok) throw new Error(`refused: ${JSON.stringify(first)}`);
  const lease = first.leases[0]!;
  expect(await client.call('lease:result', { leaseId: lease.leaseId, count: 1229, next: { slots: 0 } })).toMatchObject({
    ok: false,
    error: { code: 'bad_request' },
  });
  // The lease is still held: the refused message changed nothing.
  expect(coordinator.domain.leases.has(lease.leaseId)).toBe(true);
  // A report for a lease it does not hold is ignored; the units it asks for are still granted.
  const forged = (await client.call('lease:result', { leaseId: 'forged', count: 1, next: { slots: 1 } })) as ResultAck;
  expect(forged).toMatchObject({ ok: true, accepted: false, next: { ok: true } });
  if (!forged.ok || !forged.next?.ok) throw new Error(`refused: ${JSON.stringify(forged)}`);
  expect(forged.next.leases).toHaveLength(1);
});

test('a volunteer asks for units with its results, and counts exactly', async () => {
  await using coordinator = await startTestCoordinator({ UNIT_SIZE: '100000' });
  const socket: VolunteerSocket = io(coordinator.apiUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
  const sent: Record<string, number> = {};
  socket.onAnyOutgoing((event: string, payload: { next?: unknown }) => {
    const name = event === 'lease:result' && payload.next !== undefined ? 'lease:result+next' : event;
    sent[name] = (sent[name] ?? 0) + 1;
  });
  const errors: string[] = [];
  const volunteer = new Volunteer({
    socket,
    pool: strategyPool(honest),
    kind: 'node',
    threads: 1,
    token: TEST_WORKER_TOKEN,
    idlePollMs: 60_000,
    onError: (message) => errors.push(message),
  });
  try {
    await waitFor('the volunteer to say hello', () => (coordinator.domain.volunteers.size === 1 ? true : undefined));
    const jobId = await submitJob(coordinator.apiUrl, 2_000_000, 1);
    await waitFor('the job to succeed', async () => ((await getJob(coordinator.apiUrl, jobId)).state === 'SUCCESS' ? true : undefined), 30_000);
    expect((await getJob(coordinator.apiUrl, jobId)).result?.prime_count).toBe(148_933);
    expect(errors).toEqual([]);
    // Twenty units, every one reported once, and results asked for units. (How many did
    // depends on whether a request was in flight when a unit finished: this pool is instant.)
    expect((sent['lease:result'] ?? 0) + (sent['lease:result+next'] ?? 0)).toBe(20);
    expect(sent['lease:result+next'] ?? 0).toBeGreaterThan(0);
  } finally {
    await volunteer.stop();
  }
});
