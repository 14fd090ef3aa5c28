/**
 * Shared pieces of the HTTP access tests: an engine with the core and SSI definitions plus the sharing fixture
 * pack, and a client that calls the API with an API token and returns status, headers and the parsed body.
 */
import { expect } from 'chai';
import { createIdentityEngine } from '../../../support/auth.js';
import { CORE_DEFINITIONS, fixture } from '../../../support/engine.js';

export const ROOTS = [CORE_DEFINITIONS, fixture('packs/sharing')];

/** A test engine for these tests (stepping clock, cheap scrypt, high sign-in limit). */
export function apiEngine() {
  return createIdentityEngine({ roots: ROOTS });
}

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON (problem documents included), or null for an empty body. */
  body: any;
  /** The raw body. */
  text: string;
}

export async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, headers: res.headers, text, body: text && /json/.test(type) ? JSON.parse(text) : null };
}

/** Calls the API as one user, with `Authorization: Bearer <token>`. */
export class TokenClient {
  constructor(readonly base: string, readonly token: string) {}

  async call(method: string, path: string, body?: unknown): Promise<Reply> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return reply(await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
  }

  get = (path: string) => this.call('GET', path);
  post = (path: string, body: unknown = {}) => this.call('POST', path, body);
  patch = (path: string, body: unknown) => this.call('PATCH', path, body);
  delete = (path: string) => this.call('DELETE', path);

  /** call() that expects `status` and returns the body. */
  async ok(method: string, path: string, body: unknown, status: number): Promise<any> {
    const r = await this.call(method, path, body);
    expect(r.status, `${method} ${path}: ${r.text}`).to.equal(status);
    return r.body;
  }
}

/** Expect a problem+json answer with `status` and `code`; returns the problem document. */
export function expectProblem(r: Reply, status: number, code: string): any {
  expect(r.status, r.text).to.equal(status);
  expect(r.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(r.body.code, r.text).to.equal(code);
  return r.body;
}

/** CSV text → rows of cells (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
