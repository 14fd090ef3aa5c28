import { connect, type Socket } from 'node:net';
import { fail, FormworkError } from '../errors.js';
import type { ScanSession, ScanVerdict, Scanner } from './types.js';

export interface ClamdOptions {
  host: string;
  port: number;
  /** Longest wait for connecting and for each answer, in milliseconds. */
  timeoutMs: number;
}

/**
 * A ClamAV daemon over TCP, speaking its INSTREAM protocol: `zINSTREAM\0`, then the file as chunks each preceded
 * by its length (4 bytes, network order), then a zero length; clamd answers `stream: OK\0`,
 * `stream: <signature> FOUND\0`, or `… ERROR\0` (e.g. when the file exceeds its StreamMaxLength). The file is sent
 * while it is being stored, never buffered whole.
 *
 * Fails closed: clamd unreachable, timing out, closing early or answering anything but OK or FOUND is
 * `scanner_unavailable` (503), and the upload is refused.
 */
export class ClamdScanner implements Scanner {
  readonly name = 'clamd';
  readonly antivirus = true;

  constructor(readonly options: ClamdOptions) {}

  async start(): Promise<ScanSession> {
    const { host, port, timeoutMs } = this.options;
    const where = `clamd at ${host}:${port}`;
    const unavailable = (why: string): FormworkError =>
      new FormworkError('scanner_unavailable', `The virus scanner (${where}) ${why}; the file was not stored. Try again later.`);

    const socket: Socket = connect({ host, port });
    socket.setNoDelay(true);
    socket.setTimeout(timeoutMs);
    const replyParts: Buffer[] = [];
    let problem: FormworkError | null = null;
    let closed = false;
    const reply = new Promise<string>((resolve) => {
      socket.on('data', (d: Buffer) => {
        replyParts.push(d);
        if (d.includes(0)) socket.end();
      });
      socket.on('close', () => {
        closed = true;
        resolve(Buffer.concat(replyParts).toString('utf8').replace(/\0[\s\S]*$/, '').trim());
      });
    });
    socket.on('timeout', () => {
      problem ??= unavailable(`did not answer within ${timeoutMs} ms`);
      socket.destroy();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      problem ??= unavailable(`cannot be reached (${e.code ?? e.message})`);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('close', () => reject(problem ?? unavailable('closed the connection')));
    });
    socket.write('zINSTREAM\0');

    const send = async (data: Buffer): Promise<void> => {
      if (closed) {
        // clamd answers early and hangs up when it refuses the stream (e.g. size limit): report its answer.
        const text = await reply;
        throw problem ?? unavailable(text ? `refused the file: ${text}` : 'closed the connection');
      }
      if (!socket.write(data)) {
        await new Promise<void>((resolve) => {
          const done = () => { socket.off('drain', done); socket.off('close', done); resolve(); };
          socket.on('drain', done);
          socket.on('close', done);
        });
      }
    };

    return {
      async write(chunk) {
        const header = Buffer.alloc(4);
        header.writeUInt32BE(chunk.length);
        await send(Buffer.concat([header, chunk]));
      },
      async finish(): Promise<ScanVerdict> {
        await send(Buffer.alloc(4));
        const text = await reply;
        if (/^stream: OK$/.test(text)) return { clean: true };
        const found = /^stream: (.+) FOUND$/.exec(text);
        if (found) return { clean: false, signature: found[1]! };
        if (problem) throw problem;
        fail('scanner_unavailable', `The virus scanner (${where}) could not check the file${text ? `: ${text}` : ''}; the file was not stored.`);
      },
      abort() {
        socket.destroy();
      },
    };
  }
}
