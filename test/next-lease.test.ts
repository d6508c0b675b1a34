/**
 * A result that asks for the next units (`next`): its ack carries what a lease:request sent
 * right after it would have got, counted against the volunteer's lease cap, so a volunteer
 * sends one message per unit instead of two. A result that carries others (`more`): each is
 * recorded and answered on its own, in one message and one ack. Results without either are
 * answered as before.
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
  const jobId = await submitJob(coordinator.apiUrl, 1_000_000, 1);
  // One thread and one unit in hand: it holds two.
  const first = (await client.call('lease:request', { slots: 2 })) as RequestAck;
  if (!first.ok) throw new Error(`refused: ${JSON.stringify(first)}`);
  expect(first.leases).toHaveLength(2);
  const held = [...first.leases];
  const units: WireLease[] = [...held];

  // Without next: the answer of old, exactly.
  const plain = held.shift()!;
  expect(await client.call('lease:result', { leaseId: plain.leaseId, count: countOf(plain) })).toEqual({ ok: true, accepted: true });

  // Asking for more than the cap allows gets what fits: the cap its measured pace sets
  // (units of milliseconds: up to 16 in hand beside the one computed, lease-limits.ts).
  const reported = held.shift()!;
  const ack = (await client.call('lease:result', { leaseId: reported.leaseId, count: countOf(reported), next: { slots: 64 } })) as ResultAck;
  expect(ack).toMatchObject({ ok: true, accepted: true, next: { ok: true } });
  if (!ack.ok || !ack.next?.ok) throw new Error(`refused: ${JSON.stringify(ack)}`);
  // It held none after reporting.
  const volunteer = coordinator.domain.volunteers.values().next().value!;
  const cap = coordinator.domain.limits.capacity(volunteer, Date.now());
  expect(cap).toBeGreaterThanOrEqual(2);
  expect(cap).toBeLessThanOrEqual(17);
  expect(ack.next.leases).toHaveLength(cap);
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
  // A hundred units of 10,000 numbers, each leased once.
  expect(units.map((unit) => unit.lo).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i * 10_000 + 1));
  await waitFor('the job to succeed', async () => ((await getJob(coordinator.apiUrl, jobId)).state === 'SUCCESS' ? true : undefined));
  expect((await getJob(coordinator.apiUrl, jobId)).result?.prime_count).toBe(78_498);
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

test('a volunteer whose units take milliseconds reports them several per message, asks for units with its results, and counts exactly', async () => {
  await using coordinator = await startTestCoordinator({ UNIT_SIZE: '100000' });
  const socket: VolunteerSocket = io(coordinator.apiUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
  const sent: Record<string, number> = {};
  const reportedLeases: string[] = [];
  socket.onAnyOutgoing((event: string, payload: { leaseId?: string; next?: unknown; more?: { leaseId: string }[] }) => {
    const name = event === 'lease:result' && payload.next !== undefined ? 'lease:result+next' : event;
    sent[name] = (sent[name] ?? 0) + 1;
    if (event === 'lease:result') reportedLeases.push(payload.leaseId!, ...(payload.more ?? []).map((report) => report.leaseId));
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
    // Twenty units, every one reported once, several per message (this pool is instant), and
    // results asked for units. (How many did depends on whether a request was in flight when
    // units finished.)
    expect(reportedLeases).toHaveLength(20);
    expect(new Set(reportedLeases).size).toBe(20);
    expect((sent['lease:result'] ?? 0) + (sent['lease:result+next'] ?? 0)).toBeLessThan(20);
    expect(sent['lease:result+next'] ?? 0).toBeGreaterThan(0);
  } finally {
    await volunteer.stop();
  }
});

test('a result that carries others (more): each is recorded on its own and answered in order in one ack; a malformed or foreign one is answered false and changes nothing', async () => {
  await using coordinator = await startTestCoordinator({ UNIT_SIZE: '10000' });
  await using client = await connectSocket(coordinator.apiUrl);
  await client.call('volunteer:hello', { kind: 'node', threads: 1, token: TEST_WORKER_TOKEN });
  const jobId = await submitJob(coordinator.apiUrl, 100_000, 1);
  const first = (await client.call('lease:request', { slots: 2 })) as RequestAck;
  if (!first.ok) throw new Error(`refused: ${JSON.stringify(first)}`);
  const [a, b] = first.leases;
  // One quick report: units of milliseconds, so it may hold several more (all eight left, unless
  // the report took over 50 ms).
  const more = (await client.call('lease:result', { leaseId: a!.leaseId, count: countOf(a!), next: { slots: 16 } })) as ResultAck;
  if (!more.ok || !more.next?.ok) throw new Error(`refused: ${JSON.stringify(more)}`);
  const held = [b!, ...more.next.leases];
  expect(held.length).toBeGreaterThanOrEqual(4);
  const [h0, h1, h2, h3, ...rest] = held as [WireLease, WireLease, WireLease, WireLease, ...WireLease[]];
  const report = (lease: WireLease) => ({ leaseId: lease.leaseId, count: countOf(lease) });

  // A malformed first result refuses the whole message: nothing in it is recorded.
  expect(await client.call('lease:result', { leaseId: h2.leaseId, result: 'many', more: [report(h3)] })).toMatchObject({
    ok: false,
    error: { code: 'bad_request' },
  });
  expect(coordinator.domain.leases.has(h3.leaseId)).toBe(true);
  // More than 64 others is refused the same way.
  expect(await client.call('lease:result', { ...report(h0), more: Array.from({ length: 65 }, () => report(h1)) })).toMatchObject({
    ok: false,
    error: { code: 'bad_request' },
  });
  expect(coordinator.domain.leases.has(h0.leaseId)).toBe(true);

  const ack = await client.call('lease:result', {
    ...report(h0),
    more: [report(h1), { leaseId: 'forged', count: 1 }, { leaseId: h2.leaseId, result: 'many' }, report(h3), report(h1)],
  });
  // h1 twice: the second is for a lease already reported.
  expect(ack).toEqual({ ok: true, accepted: true, moreAccepted: [true, false, false, true, false] });
  expect([h0, h1, h2, h3].map((lease) => coordinator.domain.leases.has(lease.leaseId))).toEqual([false, false, true, false]);

  // The rest of the job, all it holds in each message.
  let remaining = [h2, ...rest];
  while (remaining.length > 0) {
    const [head, ...others] = remaining as [WireLease, ...WireLease[]];
    const answer = (await client.call('lease:result', {
      ...report(head),
      ...(others.length > 0 ? { more: others.map(report) } : {}),
      next: { slots: 16 },
    })) as ResultAck;
    if (!answer.ok || !answer.next?.ok) throw new Error(`refused: ${JSON.stringify(answer)}`);
    expect(answer).toMatchObject({ accepted: true, ...(others.length > 0 ? { moreAccepted: others.map(() => true) } : {}) });
    remaining = answer.next.leases;
  }
  await waitFor('the job to succeed', async () => ((await getJob(coordinator.apiUrl, jobId)).state === 'SUCCESS' ? true : undefined));
  expect((await getJob(coordinator.apiUrl, jobId)).result?.prime_count).toBe(9592);
});
