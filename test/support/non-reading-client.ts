/**
 * A Socket.IO client spoken byte by byte over a TCP socket that never reads: what the
 * coordinator sends it piles up (in the kernel, then in the coordinator) as with a reader too
 * slow or unwilling to read. It writes masked WebSocket text frames carrying Engine.IO /
 * Socket.IO packets, and nothing else: unread pings are answered blindly (a pong every
 * 2 s), so the coordinator's ping timeout never ends it.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** One masked WebSocket text frame (clients must mask), for payloads under 64 KB. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const header =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const mask = randomBytes(4);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, mask, masked]);
}

export interface NonReadingClient extends AsyncDisposable {
  /** Emits a Socket.IO event with an ack id; the answer is never read. */
  emit(event: string, payload: unknown): void;
  /** True once the coordinator has ended the connection (seen as failing writes). */
  readonly closed: boolean;
}

export async function connectNonReading(apiUrl: string): Promise<NonReadingClient> {
  const { hostname, port } = new URL(apiUrl);
  const tcp: Socket = connect(Number(port), hostname);
  let closed = false;
  tcp.on('error', () => (closed = true));
  tcp.on('close', () => (closed = true));
  await once(tcp, 'connect');
  // Like any client it reads until it has joined: the upgrade, the Engine.IO open packet
  // (frames sent before it are lost), then the answer to its Socket.IO CONNECT (an event sent
  // before it closes the connection). From then on it reads nothing.
  let received = '';
  const receivedText = (marker: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!received.startsWith('HTTP/1.1 101') && received.includes('\r\n')) {
          tcp.off('data', onData);
          reject(new Error(`upgrade refused: ${received.split('\r\n')[0]}`));
        } else if (received.includes(marker)) {
          tcp.off('data', onData);
          tcp.pause();
          resolve();
        }
      };
      const onData = (chunk: Buffer) => {
        received += chunk.toString('latin1');
        check();
      };
      tcp.on('data', onData);
      tcp.resume();
      check();
    });
  tcp.write(
    [
      'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1',
      `Host: ${hostname}:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n'),
  );
  await receivedText('0{"sid"');
  received = '';
  // Engine.IO message (4) carrying a Socket.IO CONNECT (0) to the main namespace.
  tcp.write(textFrame('40'));
  await receivedText('40{"sid"');
  let ackId = 0;
  const keepAlive = setInterval(() => {
    if (!closed) tcp.write(textFrame('3'));
  }, 2_000);
  return {
    emit(event, payload) {
      if (!closed) tcp.write(textFrame(`42${ackId++}${JSON.stringify([event, payload])}`));
    },
    get closed() {
      return closed || tcp.destroyed;
    },
    async [Symbol.asyncDispose]() {
      clearInterval(keepAlive);
      tcp.destroy();
    },
  };
}
