/**
 * A loopback stand-in for ClamAV's clamd, speaking the real INSTREAM protocol (`zINSTREAM\0`, length-prefixed
 * chunks, a zero length, a NUL-terminated answer). Debian's clamav-daemon is installable, but it needs its virus
 * signatures downloaded from the network before it answers anything; this server lets the adapter be tested
 * offline, byte for byte. It reports `stream: Formwork.Test.Marker FOUND` for content holding {@link MARKER}.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export const MARKER = Buffer.from('FORMWORK-FAKE-CLAMD-MARKER');

export interface FakeClamd {
  port: number;
  /** What each INSTREAM session received, reassembled from its chunks. */
  received: Buffer[];
  /** Sizes of the chunks of the last session, as framed on the wire. */
  chunkSizes: number[];
  /** Answer this instead of judging the content (e.g. 'INSTREAM size limit exceeded. ERROR'). */
  forcedAnswer: string | null;
  close(): Promise<void>;
}

export async function startFakeClamd(): Promise<FakeClamd> {
  const sockets = new Set<Socket>();
  const state: FakeClamd = { port: 0, received: [], chunkSizes: [], forcedAnswer: null, close: async () => {} };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    let command: string | null = null;
    const parts: Buffer[] = [];
    state.chunkSizes = [];
    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      if (command === null) {
        const end = buffer.indexOf(0);
        if (end < 0) return;
        command = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 1);
        if (command !== 'zINSTREAM') {
          socket.end('UNKNOWN COMMAND\0');
          return;
        }
      }
      while (buffer.length >= 4) {
        const length = buffer.readUInt32BE(0);
        if (length === 0) {
          const content = Buffer.concat(parts);
          state.received.push(content);
          const answer = state.forcedAnswer ?? (content.includes(MARKER) ? 'stream: Formwork.Test.Marker FOUND' : 'stream: OK');
          socket.end(`${answer}\0`);
          buffer = Buffer.alloc(0);
          return;
        }
        if (buffer.length < 4 + length) return;
        state.chunkSizes.push(length);
        parts.push(Buffer.from(buffer.subarray(4, 4 + length)));
        buffer = buffer.subarray(4 + length);
      }
    });
    socket.on('error', () => { /* the client may hang up */ });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.close = () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return state;
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
