/**
 * Shared pieces of the studio tests: an engine on the core pack, API clients for a configurator and an
 * administrator, a second engine on the same database, and the definitions the tests build through the studio.
 */
import { closeDatabase, openDatabase } from '../../../platform/db/connection.js';
import { createApp } from '../../../platform/http/app.js';
import { createToken, createUser, listen, type RunningServer } from '../../support/auth.js';
import { DB_KIND, PG_URL, type TestDatabase } from '../../support/db.js';
import { createTestEngine, packRoot, type TestEngine } from '../../support/engine.js';
import { TokenClient } from '../access/api/support.js';

export const ROOTS = [packRoot('core')];

export interface StudioFixture {
  fw: TestEngine;
  server: RunningServer;
  /** A configurator (the studio capability, no table grants). */
  studio: TokenClient;
  /** The administrator (every table; the studio too). */
  admin: TokenClient;
  close(): Promise<void>;
}

/** A client calling the API with a PUT that may carry If-Match. */
export async function put(client: TokenClient, path: string, body: unknown, ifMatch?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' };
  if (ifMatch !== undefined) headers['if-match'] = ifMatch;
  const res = await fetch(client.base + path, { method: 'PUT', headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : null };
}

/** An engine serving the API, with a configurator and an administrator signed in by token. */
export async function studioFixture(options: { db?: TestDatabase; studioPollMs?: number } = {}): Promise<StudioFixture> {
  const fw = await createTestEngine({ roots: ROOTS, db: options.db, studioPollMs: options.studioPollMs });
  const server = await listen(createApp(fw));
  const configurator = await createUser(fw, { roles: ['configurator'] });
  const administrator = await createUser(fw, { roles: ['admin'] });
  return {
    fw, server,
    studio: new TokenClient(server.url, await createToken(fw, configurator.username)),
    admin: new TokenClient(server.url, await createToken(fw, administrator.username)),
    async close() {
      await server.close();
      if (options.db) await fw.close();
      else await fw.dispose();
    },
  };
}

/** Another connection to the fixture's database, as a second instance would open it. */
export function secondConnection(fw: TestEngine): TestDatabase {
  const configured = (fw.testDb.knex.client.config as { searchPath?: string | string[] }).searchPath;
  const searchPath = configured === undefined ? undefined : [configured].flat()[0];
  const db = DB_KIND === 'postgres' ? openDatabase(PG_URL, { searchPath }) : openDatabase(fw.testDb.url);
  return { ...db, dispose: () => closeDatabase(db) };
}

export const gadgetTable = {
  kind: 'table', name: 'gadget', label: 'Gadget', pluralLabel: 'Gadgets', displayField: 'title',
  fields: {
    title: { type: 'string', label: 'Title', required: true, maxLength: 100 },
    kind: { type: 'choice', label: 'Kind', choices: [{ value: 'simple', label: 'Simple' }, { value: 'complex', label: 'Complex' }] },
  },
};

export const gadgetForm = {
  kind: 'form', name: 'gadget', table: 'gadget', label: 'Gadget', sections: [{ columns: [['title', 'kind']] }],
};

export const gadgetMenu = { kind: 'menu', name: 'gadgets', label: 'Gadgets', order: 90, items: [{ label: 'Gadgets', table: 'gadget' }] };

/** Version 2's table: a detail field added. */
export const gadgetTableWithDetail = {
  ...gadgetTable, fields: { ...gadgetTable.fields, detail: { type: 'text', label: 'Detail', maxLength: 1000 } },
};

/** Version 2's form: the detail field, mandatory for a complex gadget. */
export const gadgetFormWithPolicy = {
  ...gadgetForm, sections: [{ columns: [['title', 'kind'], ['detail']] }],
  uiPolicies: [{
    name: 'complex_needs_detail', description: 'A complex gadget says what it does.',
    condition: { fact: 'record.kind', operator: 'equal', value: 'complex' }, actions: [{ field: 'detail', mandatory: true }],
  }],
};

/** Create a change set holding `definitions` (each saved once) and publish it; answers the version. */
export async function publishDefinitions(
  client: TokenClient, name: string, definitions: { kind: string; name: string }[], revisions: Record<string, number> = {},
) {
  const cs = await client.ok('POST', '/api/studio/changesets', { name }, 201);
  for (const d of definitions) {
    const r = await put(client, `/api/studio/changesets/${cs.data.id}/definitions/${d.kind}/${d.name}`, d, revisions[`${d.kind}/${d.name}`]?.toString());
    if (r.status !== 200 || r.body.data.errors.length) throw new Error(`saving ${d.kind} ${d.name}: ${r.text}`);
  }
  return (await client.ok('POST', `/api/studio/changesets/${cs.data.id}/publish`, {}, 200)).data;
}
