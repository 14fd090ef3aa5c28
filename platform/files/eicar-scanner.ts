import type { ScanSession, ScanVerdict, Scanner } from './types.js';

/**
 * The EICAR anti-virus test string (eicar.org). Built from two halves so that this source file is not itself
 * flagged by a virus scanner on a developer's machine.
 */
export const EICAR = Buffer.from(['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''), 'latin1');

/**
 * The built-in scanner: refuses any file containing the EICAR test string, anywhere (also across chunk
 * boundaries), whether or not an antivirus is configured, so the rejection path can always be
 * tested end to end. It is not an antivirus.
 */
export class EicarScanner implements Scanner {
  readonly name = 'builtin';
  readonly antivirus = false;

  async start(): Promise<ScanSession> {
    let tail = Buffer.alloc(0);
    let found = false;
    return {
      async write(chunk) {
        if (found) return;
        const window = tail.length ? Buffer.concat([tail, chunk]) : chunk;
        if (window.includes(EICAR)) found = true;
        tail = Buffer.from(window.subarray(Math.max(0, window.length - (EICAR.length - 1))));
      },
      async finish(): Promise<ScanVerdict> {
        return found ? { clean: false, signature: 'Eicar-Test-Signature' } : { clean: true };
      },
      abort() { /* nothing held */ },
    };
  }
}
