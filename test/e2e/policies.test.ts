/**
 * UI policies behave the same in the browser and on the server. Every case of test/fixtures/policy-cases.json runs:
 *  - in Chromium, through the shared evaluator bundled for the browser (applyPolicies, and the form's adapter of it
 *    over the form's metadata as the signed-in user gets it), and must equal applyPolicies run in Node;
 *  - on the form page itself (the case's record as the new record's starting values): the fields shown, read-only and
 *    marked required are those the outcome says;
 *  - through the HTTP API with the case's role and `?form=`: the record service must behave as the outcome says —
 *    a value for a hidden field is discarded, a read-only field refuses a new value (422 read_only), a field that
 *    must be filled refuses to be empty (422 required), value actions set their fields.
 * Also: the form a write names over HTTP, each table's default form in its metadata, the UI editing a table with that
 * default form and naming it on create, and a business rule's refusal shown in the error summary.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Condition } from '../../platform/conditions/types.js';
import type { ResolvedField } from '../../platform/definitions/types.js';
import { createApp } from '../../platform/http/app.js';
import { ensureUiBuilt } from '../../platform/http/static.js';
import type { RecordData } from '../../platform/records/types.js';
import { applyPolicies, fieldState, mustBeFilled, type PolicyFieldBase, type PolicyOutcome } from '../../platform/rules/ui-policy.js';
import { createToken, createUser, listen, type RunningServer, type TestUser } from '../support/auth.js';
import { createTestEngine, CORE_DEFINITIONS, fixture, type TestEngine } from '../support/engine.js';
import { axeViolations, EVALUATOR_GLOBAL, launchChromium, policyEvaluatorBundle, signInInBrowser } from './browser.js';

interface PolicyCase {
  name: string;
  form: string;
  record: RecordData;
  expected: { visible: Record<string, boolean>; mandatory: Record<string, boolean>; readOnly: Record<string, boolean> };
}

const CASES = JSON.parse(readFileSync(fixture('policy-cases.json'), 'utf8')) as PolicyCase[];
const NOW = '2026-11-23T10:00:00.000Z';
/** The role each case's table is used with (the fixture pack's README). */
const roleFor = (table: string) => (table === 'rt_case' ? 'rt_user' : 'admin');

/** Fields a condition reads: probing them would change the outcome being checked. */
function conditionFields(c: Condition, out = new Set<string>()): Set<string> {
  if ('all' in c) c.all.forEach((x) => conditionFields(x, out));
  else if ('any' in c) c.any.forEach((x) => conditionFields(x, out));
  else if ('not' in c) conditionFields(c.not, out);
  else out.add(c.fact.replace(/^(record|previous)\./, '').split('.')[0]!);
  return out;
}

function probe(field: ResolvedField): unknown {
  switch (field.type) {
    case 'integer': return 7;
    case 'string': case 'text': return 'probe';
    default: throw new Error(`no probe value for ${field.type}`);
  }
}

/** The case's record as the query of the new-record page (its starting values). */
function startingValues(record: RecordData): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(record)) q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  return q.toString();
}

/** What a state looks like on the form page: hidden; or shown, read-only or not, marked required or not. */
type Shown = { visible: false } | { visible: true; readOnly: boolean; required: boolean };

function shownFor(outcome: PolicyOutcome, field: string): Shown {
  const s = fieldState(outcome, field);
  return s.visible ? { visible: true, readOnly: s.readOnly, required: mustBeFilled(s) } : { visible: false };
}

interface Reply { status: number; body: any }

/** The API as one user, through an API token (a second sign-in would end the browser's session). */
class ApiClient {
  constructor(readonly base: string, readonly token: string) {}

  async send(method: string, path: string, body?: unknown): Promise<Reply> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
}

const fieldCodes = (r: Reply) => ((r.body?.errors ?? []) as { field: string; code: string }[]).map((e) => `${e.field.replace(/^\//, '')}:${e.code}`);

describe('UI policies: the browser and the server agree (Chromium)', function () {
  this.timeout(90_000);
  let fw: TestEngine;
  let server: RunningServer;
  let browser: Browser;
  let evaluator: string;
  const users = new Map<string, TestUser>();
  const pages = new Map<string, Page>();
  const clients = new Map<string, ApiClient>();
  const errors: string[] = [];

  before(async () => {
    await ensureUiBuilt();
    evaluator = await policyEvaluatorBundle();
    fw = await createTestEngine({ roots: [CORE_DEFINITIONS, fixture('packs/rules')] });
    fw.config.scryptLog2N = 10;
    fw.config.signInRateLimit = 1000;
    server = await listen(createApp(fw));
    browser = await launchChromium();
    for (const role of ['rt_user', 'admin']) {
      const user = await createUser(fw, { roles: [role] });
      users.set(role, user);
      clients.set(role, new ApiClient(server.url, await createToken(fw, user.username)));
      const page = await (await browser.newContext()).newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      await signInInBrowser(page, fw, server.url, user);
      pages.set(role, page);
    }
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fw?.dispose();
  });

  /** The page of a role, with the evaluator bundle loaded (again after a navigation). */
  async function evaluatorPage(role: string): Promise<Page> {
    const page = pages.get(role)!;
    if (!(await page.evaluate((g) => g in window, EVALUATOR_GLOBAL))) await page.evaluate(evaluator);
    return page;
  }

  it('has cases for more than one form', () => {
    expect(new Set(CASES.map((c) => c.form)).size).to.be.greaterThan(1);
    expect(CASES.length).to.be.greaterThanOrEqual(8);
  });

  for (const c of CASES) {
    describe(c.name, () => {
      /** The outcome in Node, the reference the browser and the record service are held to. */
      let node: PolicyOutcome;
      let role: string;
      let user: { id: string; roles: string[] };

      before(async () => {
        const form = fw.registry.current.get('form', c.form);
        role = roleFor(form.table);
        user = { id: users.get(role)!.user.id, roles: [role] };
        node = await applyPolicies(form.uiPolicies, c.record, { now: NOW, user });
        // The fixture's own expectation holds in Node (test/platform/rules/policy-cases.test.ts checks it too).
        expect(node.failed).to.deep.equal([]);
        expect({ visible: node.visible, mandatory: node.mandatory, readOnly: node.readOnly }).to.deep.equal(c.expected);
      });

      it('applyPolicies in Chromium gives the outcome applyPolicies gives in Node', async () => {
        const page = await evaluatorPage(role);
        const policies = fw.registry.current.get('form', c.form).uiPolicies ?? [];
        const inBrowser = await page.evaluate(async ({ g, policies, record, now, user }) => {
          const fns = (window as unknown as Record<string, { applyPolicies: typeof applyPolicies }>)[g]!;
          return fns.applyPolicies(policies, record, { now, user });
        }, { g: EVALUATOR_GLOBAL, policies, record: c.record, now: NOW, user });
        expect(inBrowser).to.deep.equal(node);
      });

      it('the form, over its metadata as this user gets it, agrees with the data policy over the table', async () => {
        const registry = fw.registry.current;
        const table = registry.getTable(registry.get('form', c.form).table);
        // The server's data policy starts from the table's non-system fields (platform/rules/data-policy.ts).
        const fields: Record<string, PolicyFieldBase> = {};
        for (const f of table.fields.values()) if (!f.system) fields[f.name] = { required: f.required, readOnly: f.readOnly };
        const server = await applyPolicies(registry.get('form', c.form).uiPolicies, c.record, { now: NOW, user, fields });
        const page = await evaluatorPage(role);
        const inForm = await page.evaluate(async ({ g, form, record, now, user }) => {
          const res = await fetch(`/api/meta/forms/${encodeURIComponent(form)}`, { headers: { accept: 'application/json' } });
          const meta = (await res.json() as { data: unknown }).data;
          const fns = (window as unknown as Record<string, {
            evaluateFormPolicies(f: unknown, r: unknown, facts: unknown): Promise<PolicyOutcome>;
          }>)[g]!;
          return fns.evaluateFormPolicies(meta, record, { now, user });
        }, { g: EVALUATOR_GLOBAL, form: c.form, record: c.record, now: NOW, user });
        for (const name of Object.keys(c.expected.visible)) {
          expect(fieldState(inForm, name), name).to.deep.equal(fieldState(server, name));
          expect(fieldState(inForm, name), name).to.deep.equal(fieldState(node, name));
        }
        expect({ values: inForm.values, record: inForm.record, active: inForm.active, failed: inForm.failed })
          .to.deep.equal({ values: server.values, record: server.record, active: server.active, failed: server.failed });
      });

      it('the form page shows, locks and requires the fields the outcome says', async () => {
        const page = pages.get(role)!;
        await page.goto(`${server.url}/forms/${c.form}/new?${startingValues(c.record)}`);
        await page.waitForSelector('fw-form form');
        const names = Object.keys(c.expected.visible);
        const shown = await page.evaluate((names) => Object.fromEntries(names.map((n) => {
          const el = document.getElementById(`new-${n}`);
          if (!el) return [n, { visible: false }];
          const required = el.closest('.fw-form-group')?.querySelector('.fw-required') != null;
          return [n, { visible: true, readOnly: el.tagName === 'DD', required }];
        })), names);
        expect(shown).to.deep.equal(Object.fromEntries(names.map((n) => [n, shownFor(node, n)])));
      });

      it('the record service, through the API with ?form=, behaves as the outcome says', async () => {
        const registry = fw.registry.current;
        const form = registry.get('form', c.form);
        const table = registry.getTable(form.table);
        const client = clients.get(role)!;
        const path = `/api/tables/${table.name}?form=${encodeURIComponent(c.form)}`;
        const inConditions = new Set<string>();
        for (const p of form.uiPolicies ?? []) conditionFields(p.condition, inConditions);

        // The case's record itself is valid, and value actions set their fields.
        const created = await client.send('POST', path, c.record);
        expect(created.status, JSON.stringify(created.body)).to.equal(201);
        for (const [k, v] of Object.entries(node.values)) expect(created.body.data[k], `${k} set by a value action`).to.deep.equal(v);

        let probed = 0;
        for (const name of Object.keys(c.expected.visible)) {
          if (inConditions.has(name)) continue;
          probed += 1;
          const field = table.fields.get(name)!;
          const state = fieldState(node, name);
          const value = probe(field);
          const sent = await client.send('POST', path, { ...c.record, [name]: value });
          if (state.visible && state.readOnly) {
            expect(sent.status, `${name}: a read-only field refuses a value`).to.equal(422);
            expect(fieldCodes(sent)).to.include(`${name}:read_only`);
          } else {
            expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
            expect(sent.body.data[name], `${name}: ${state.visible ? 'stored' : 'discarded'}`).to.deep.equal(state.visible ? value : (field.default ?? null));
          }
          const empty = await client.send('POST', path, { ...c.record, [name]: null });
          if (mustBeFilled(state)) {
            expect(empty.status, `${name}: a field that must be filled refuses to be empty`).to.equal(422);
            expect(fieldCodes(empty)).to.include(`${name}:required`);
          } else {
            expect(empty.status, JSON.stringify(empty.body)).to.equal(201);
            expect(empty.body.data[name] ?? null).to.equal(null);
          }
        }
        expect(probed, 'some field was probed').to.be.greaterThan(0);
      });
    });
  }

  describe('the form a write names, and a table\'s default form', () => {
    it('enforces the policies of the form named by ?form= on create and update, with the default form\'s', async () => {
      const client = clients.get('rt_user')!;
      // rt_case_triage: a case with a title needs a detail. Its default form (rt_case) applies either way.
      const plain = await client.send('POST', '/api/tables/rt_case', { title: 'No form named' });
      expect(plain.status, JSON.stringify(plain.body)).to.equal(201);
      const triage = await client.send('POST', '/api/tables/rt_case?form=rt_case_triage', { title: 'Triaged', kind: 'outage' });
      expect(triage.status).to.equal(422);
      expect(fieldCodes(triage)).to.include.members(['detail:required', 'sites:required']);
      const id = plain.body.data.id as string;
      const update = await client.send('PATCH', `/api/tables/rt_case/${id}?form=rt_case_triage`, { status: 'resolved' });
      expect(update.status).to.equal(422);
      expect(fieldCodes(update)).to.include.members(['detail:required', 'notes:required']);
      const fixed = await client.send('PATCH', `/api/tables/rt_case/${id}?form=rt_case_triage`, { status: 'resolved', detail: 'Fixed', notes: 'Done.' });
      expect(fixed.status, JSON.stringify(fixed.body)).to.equal(200);
      for (const bad of ['form=nope', 'form=rt_log', 'form=rt_case&form=rt_case_triage', 'other=1']) {
        const r = await client.send('POST', `/api/tables/rt_case?${bad}`, { title: 'Bad form' });
        expect(r.status, bad).to.equal(400);
        expect(r.body.code, bad).to.equal('invalid_query');
      }
    });

    it('names the default form in the table metadata: named like the table, else the only form, else none', async () => {
      const client = clients.get('rt_user')!;
      const admin = clients.get('admin')!;
      const defaultOf = async (c: ApiClient, table: string) => {
        const r = await c.send('GET', `/api/meta/tables/${table}`);
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        return r.body.data.defaultForm;
      };
      expect(await defaultOf(client, 'rt_case')).to.equal('rt_case');
      expect(await defaultOf(client, 'rt_log')).to.equal('rt_log');
      expect(await defaultOf(client, 'rt_loop')).to.equal(null);
      expect(await defaultOf(admin, 'incident')).to.equal('incident');
    });

    it('edits a table with its default form, names it on create, and shows a business rule\'s refusal in the error summary', async () => {
      const page = pages.get('rt_user')!;
      await page.goto(`${server.url}/tables/rt_case/new`);
      await page.waitForSelector('fw-form form');
      expect(await page.textContent('h1')).to.equal('New case');
      await page.fill('#new-title', 'ROLLBACK from the browser');
      const request = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/tables/rt_case');
      await page.click('fw-form button[type=submit]');
      expect(new URL((await request).url()).searchParams.get('form')).to.equal('rt_case');
      await page.waitForSelector('fw-form .fw-error-summary');
      expect(await page.evaluate(() => document.activeElement?.classList.contains('fw-error-summary'))).to.equal(true);
      expect(await page.textContent('fw-form .fw-error-summary')).to.contain('Rolled back ROLLBACK from the browser.');
      expect(await axeViolations(page)).to.deep.equal([]);
    });

    it('generates a form for a table without a default form and names no form when writing', async () => {
      const page = pages.get('rt_user')!;
      await page.goto(`${server.url}/tables/rt_loop/new`);
      await page.waitForSelector('fw-form form');
      await page.fill('#new-name', 'Generated');
      const request = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/tables/rt_loop');
      await page.click('fw-form button[type=submit]');
      expect(new URL((await request).url()).search).to.equal('');
      await page.waitForSelector('fw-record h1');
      expect(errors).to.deep.equal([]);
    });
  });
});
