/**
 * The volunteer against a coordinator from before `more` (one result per message): a stand-in
 * on a real Socket.IO server that refuses the field as that coordinator's strict schema did.
 * The volunteer goes back to one result per message, and every unit is still counted once.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { expect, test } from 'vitest';
import { TEST_WORKER_TOKEN, waitFor } from './support/harness.js';
import { countSieveUnit, honest, socketVolunteer, strategyPool } from './support/volunteers.js';

const UNITS = 40;
const UNIT_NUMBERS = 1000;
const JOB_ID = '00000000-0000-4000-8000-000000000001';

interface Report {
  leaseId: string;
  count?: number;
}

test('against a coordinator that refuses `more`, a volunteer of short units reports one result per message, each unit once', async () => {
  const http = createServer();
  const server = new Server(http);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const waiting = Array.from({ length: UNITS }, (_, i) => ({ leaseId: `lease-${i}`, lo: i * UNIT_NUMBERS + 1, hi: (i + 1) * UNIT_NUMBERS }));
  const byLease = new Map(waiting.map((unit) => [unit.leaseId, unit]));
  const counted = new Map<string, number>();
  let refusedWithMore = 0;
  let singleResults = 0;
  const grant = (slots: number) => waiting.splice(0, slots).map((unit) => ({ ...unit, jobId: JOB_ID, deadline: Date.now() + 60_000 }));
  server.on('connection', (socket) => {
    socket.on('volunteer:hello', (_payload: unknown, ack: (answer: unknown) => void) => ack({ ok: true, volunteerId: 'v', heartbeatMs: 60_000 }));
    socket.on('lease:request', (payload: { slots: number }, ack: (answer: unknown) => void) => ack({ ok: true, leases: grant(payload.slots) }));
    socket.on('lease:result', (payload: Report & { more?: unknown; next?: { slots: number } }, ack: (answer: unknown) => void) => {
      if (payload.more !== undefined) {
        refusedWithMore++;
        ack({ ok: false, error: { code: 'bad_request', message: 'invalid payload: Unrecognized key: "more"' } });
        return;
      }
      singleResults++;
      const accepted = byLease.has(payload.leaseId) && !counted.has(payload.leaseId);
      if (accepted) counted.set(payload.leaseId, payload.count ?? -1);
      ack(payload.next === undefined ? { ok: true, accepted } : { ok: true, accepted, next: { ok: true, leases: grant(payload.next.slots) } });
    });
    socket.on('lease:heartbeat', (_payload: unknown, ack?: (answer: unknown) => void) => ack?.({ ok: true, deadlines: {} }));
    socket.on('lease:release', (_payload: unknown, ack: (answer: unknown) => void) => ack({ ok: true }));
  });

  const volunteer = socketVolunteer(url, { localAddress: '127.0.0.1', pool: strategyPool(honest), name: 'short units', token: TEST_WORKER_TOKEN });
  try {
    await waitFor('every unit to be counted', () => (counted.size === UNITS ? true : undefined));
    expect([...counted].sort(([a], [b]) => a.localeCompare(b))).toEqual(
      [...byLease.values()].map((unit) => [unit.leaseId, countSieveUnit({ lo: unit.lo, hi: unit.hi })] as const).sort(([a], [b]) => a.localeCompare(b)),
    );
    // It tried `more` (its units take milliseconds), was refused, and sent each result alone
    // after: only batches already on their way when the first refusal came back were refused
    // (two here; five when the volunteer kept trying).
    expect(refusedWithMore).toBeGreaterThanOrEqual(1);
    expect(refusedWithMore).toBeLessThanOrEqual(3);
    expect(singleResults).toBe(UNITS);
    expect(volunteer.errors).toEqual([]);
  } finally {
    await volunteer.volunteer.stop();
    await server.close();
  }
});
