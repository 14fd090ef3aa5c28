/**
 * Shared set-up of the catalogue pack tests (test/packs/ssi/catalog*.test.ts, test/packs/it/): an engine on the core
 * pack, a pack and its catalogue folder, people with roles in organisations, and an API client per person that also
 * sends raw bodies (file uploads staged for an order).
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { Clock } from '../../../platform/context.js';
import { createToken, serve, type RunningServer } from '../../support/auth.js';
import { packRoot, REPO, type TestEngine } from '../../support/engine.js';
import { person, workflowEngine, type Person } from '../../platform/workflow/support.js';

/** A catalogue folder of the repository (catalog/<name>). */
export const catalogRoot = (name: string) => join(REPO, 'catalog', name);

export interface Answer { status: number; body: any }

/** A person with their API client. */
export interface Orderer extends Person {
  /** JSON call (body sent as JSON when given). */
  call(method: string, path: string, body?: unknown): Promise<Answer>;
  /** A raw upload (a staged file). */
  upload(path: string, content: string | Buffer, contentType: string): Promise<Answer>;
  /** A call that must answer `status`: its `data`. */
  ok(method: string, path: string, body: unknown, status?: number): Promise<any>;
}

export interface CatalogWorld {
  fw: TestEngine;
  server: RunningServer;
  /** A person holding `roles` in organisation `org` (created when missing). */
  orderer(roles: string[], org: string, username?: string): Promise<Orderer>;
  close(): Promise<void>;
}

/** An engine on the core pack plus the given packs and catalogue folders (at `clock`, if given), served over HTTP. */
export async function catalogWorld(packs: string[], catalogs: string[], clock?: Clock): Promise<CatalogWorld> {
  const fw = await workflowEngine({ roots: [packRoot('core'), ...packs.map(packRoot), ...catalogs.map(catalogRoot)], clock });
  const server = await serve(fw);
  return {
    fw,
    server,
    async orderer(roles, org, username) {
      const p = await person(fw, roles, org, username);
      const token = await createToken(fw, p.username);
      const send = async (method: string, path: string, body: BodyInit | undefined, headers: Record<string, string>): Promise<Answer> => {
        const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${token}`, ...headers }, body });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null };
      };
      const call = (method: string, path: string, body?: unknown) =>
        send(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? {} : { 'content-type': 'application/json' });
      return {
        ...p,
        call,
        upload: (path, content, contentType) => send('POST', path, typeof content === 'string' ? content : new Uint8Array(content), { 'content-type': contentType }),
        async ok(method, path, body, status = method === 'POST' ? 201 : 200) {
          const r = await call(method, path, body ?? undefined);
          expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).to.equal(status);
          return r.body?.data;
        },
      };
    },
    async close() {
      await server.close();
      await fw.dispose();
    },
  };
}

/** The field names of a problem's per-field errors. */
export const errorFields = (body: any): string[] => ((body?.errors ?? []) as { field: string }[]).map((e) => e.field);
