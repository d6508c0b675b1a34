/**
 * Rules on a connection itself, whatever it says: it must introduce itself in time, it is
 * closed once refused for good, and it may not leave more than a bounded backlog of messages
 * unsent. Each rule ends in a drop, reported with its reason.
 */
import type { Socket } from 'socket.io';

export const DropReason = {
  /** Neither a volunteer's hello nor a page's watch within the hello timeout. */
  HelloTimeout: 'hello_timeout',
  /** Told it gets no service (`full`, `quarantined`); the refusal is delivered first. */
  Refused: 'refused',
  /** Its unsent backlog passed the bound: it does not read what it asked for. */
  SlowReader: 'slow_reader',
} as const;
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

export interface ConnectionGuardOptions {
  helloTimeoutMs: number;
  /** Bytes of messages that may wait unsent for one socket before it is dropped. */
  backlogLimitBytes: number;
  onDropped(reason: DropReason): void;
}

export interface ConnectionGuard {
  /** It said hello (a volunteer) or watched something (a page): the hello timeout no longer applies. */
  greeted(): void;
  /** It was refused for good: closed once the refusal is sent. */
  refused(): void;
}

function byteSize(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

export function guardConnection(socket: Socket, options: ConnectionGuardOptions): ConnectionGuard {
  let dropped = false;
  const drop = (reason: DropReason, graceful: boolean) => {
    if (dropped) return;
    dropped = true;
    clearTimeout(helloTimer);
    options.onDropped(reason);
    socket.disconnect(true);
    // A socket that does not read never drains, and a graceful close waits for the drain:
    // discard what is queued and end the TCP connection now.
    if (!graceful) {
      socket.conn.close(true);
      socket.request.socket.destroy();
    }
  };

  const helloTimer = setTimeout(() => drop(DropReason.HelloTimeout, true), options.helloTimeoutMs);

  // engine.io queues packets while its transport cannot write (the peer does not read);
  // `flush` hands the queue to the transport, so what was created since the last flush waits.
  let backlog = 0;
  socket.conn.on('packetCreate', (packet: { data?: unknown }) => {
    backlog += byteSize(packet.data);
    if (backlog > options.backlogLimitBytes) drop(DropReason.SlowReader, false);
  });
  socket.conn.on('flush', () => {
    backlog = 0;
  });
  socket.once('disconnect', () => clearTimeout(helloTimer));

  return {
    greeted: () => clearTimeout(helloTimer),
    refused: () => drop(DropReason.Refused, true),
  };
}
