/**
 * Shared set-up of the catalogue API tests: an engine on the core definitions and the fixture shop
 * (test/fixtures/catalog/shop), served on loopback, people in organisations, JSON and upload calls as them, and
 * row counts of the tables an order writes.
 */
import { loadActor } from '../../../platform/access/identity/index.js';
import type { Actor } from '../../../platform/records/types.js';
import { createToken, createUser, serve, type RunningServer, type TestUser } from '../../support/auth.js';
import { createTestEngine, fixture, packRoot, type TestEngine } from '../../support/engine.js';

export const SHOP = fixture('catalog/shop');

export interface Shop { fw: TestEngine; server: RunningServer; close(): Promise<void> }

/** An engine on core + the fixture shop (or other roots), served; workflow timers stopped. */
export async function openShop(roots: string[] = [packRoot('core'), SHOP]): Promise<Shop> {
  const fw = await createTestEngine({ roots });
  await fw.workflow.timers.stop();
  fw.config.scryptLog2N = 10;
  const server = await serve(fw);
  return { fw, server, async close() { await server.close(); await fw.dispose(); } };
}

export interface Answer { status: number; body: any }
export type Call = (method: string, path: string, body?: unknown) => Promise<Answer>;

export interface Person extends TestUser { actor: Actor; call: Call; upload: Upload; token: string }
export type Upload = (item: string, name: string, type: string, content: Buffer | string) => Promise<Answer>;

/** A person with roles in an organisation, with an API token to call as them. */
export async function person(shop: Shop, roles: string[] = [], org = 'ACME', username?: string): Promise<Person> {
  const u = await createUser(shop.fw, { roles, org, username });
  const token = await createToken(shop.fw, u.username);
  const auth = { authorization: `Bearer ${token}` };
  const call: Call = async (method, path, body) => {
    const res = await fetch(shop.server.url + path, {
      method, headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const upload: Upload = async (item, name, type, content) => {
    const res = await fetch(`${shop.server.url}/api/catalog/items/${item}/attachments?name=${encodeURIComponent(name)}`, {
      method: 'POST', headers: { ...auth, 'content-type': type }, body: typeof content === 'string' ? content : new Uint8Array(content),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return { ...u, actor: await loadActor(shop.fw, u.user.id), call, upload, token };
}

/** The tables an order writes, and how many rows each holds. */
export async function counts(fw: TestEngine): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['catalog_request', 'catalog_request_item', 'catalog_answer', 'fx_ticket', 'sys_audit', 'sys_catalog_cart_item']) {
    const physical = fw.registry.current.tables.get(table)?.physical ?? table;
    const row = await fw.db.knex(physical).count({ n: '*' }).first();
    out[table] = Number(row!.n);
  }
  const staged = await fw.db.knex('sys_attachment').where({ table_name: '@catalog' }).count({ n: '*' }).first();
  out.staged = Number(staged!.n);
  return out;
}

/** The field errors of a problem document, as `field:code` strings (sorted). */
export function fieldErrors(body: any): string[] {
  return ((body?.errors ?? []) as { field: string; code: string }[]).map((e) => `${e.field}:${e.code}`).sort();
}

/** A valid order of the chair. */
export const CHAIR = { colour: 'red', shade: 'crimson' };
