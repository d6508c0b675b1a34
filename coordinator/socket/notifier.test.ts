import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { expect, test } from 'vitest';
import type { ServerToClientWire } from '../../shared/protocol.js';
import type { Domain } from '../model.js';
import { RateMeter } from '../swarm-stats.js';
import { HUNGRY_ROOM, type CoordinatorIo } from './gateway.js';
import { SocketNotifier } from './notifier.js';

const VOLUNTEERS = 10;
const BATCH = 3;

test('work:available reaches every hungry volunteer once, a batch per turn, skipping one served before its batch', async () => {
  const http = createServer();
  const io: CoordinatorIo = new Server(http);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  // Waking volunteers reads only the sockets and their rooms, not the domain.
  const notifier = new SocketNotifier(new RateMeter(Date.now), () => undefined, 1000, pino({ level: 'silent' }), 1000, BATCH);
  notifier.bind(io, {} as Domain);
  const clients: ClientSocket<ServerToClientWire>[] = [];
  const serverIds: string[] = [];
  io.on('connection', (socket) => {
    void socket.join(HUNGRY_ROOM);
    serverIds.push(socket.id);
  });
  try {
    // One at a time, so the room lists them in this order.
    for (let i = 0; i < VOLUNTEERS; i++) {
      const client: ClientSocket<ServerToClientWire> = connect(url, { transports: ['websocket'], forceNew: true });
      clients.push(client);
      await new Promise<void>((resolve) => client.once('connect', resolve));
      while (serverIds.length <= i) await new Promise((resolve) => setImmediate(resolve));
    }
    const told = clients.map(() => 0);
    const allButLastTold = new Promise<void>((resolve) =>
      clients.forEach((client, i) =>
        client.on('work:available', () => {
          told[i]!++;
          if (told.slice(0, -1).every((count) => count > 0)) resolve();
        }),
      ),
    );

    notifier.workAvailable();
    notifier.workAvailable(); // coalesces with the first: one pass
    await new Promise((resolve) => setImmediate(resolve));
    // After one turn only the first batch was told; the last volunteer is served (leaves the
    // room) before its batch comes.
    io.sockets.sockets.get(serverIds[VOLUNTEERS - 1]!)!.leave(HUNGRY_ROOM);
    await allButLastTold;
    // Messages to one socket arrive in order: the marker comes after any wake sent to it.
    const marker = new Promise<void>((resolve) => clients[VOLUNTEERS - 1]!.once('lease:revoked', () => resolve()));
    io.sockets.sockets.get(serverIds[VOLUNTEERS - 1]!)!.emit('lease:revoked', { leaseIds: [], reason: 'marker' });
    await marker;
    expect(told).toEqual([...Array<number>(VOLUNTEERS - 1).fill(1), 0]);
  } finally {
    notifier.close();
    for (const client of clients) client.disconnect();
    await io.close();
  }
});
