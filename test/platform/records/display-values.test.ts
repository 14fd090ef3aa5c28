/**
 * Display values over HTTP (`display=true|all` on lists and reads, CSV with labels, labelled history and journal):
 * choice labels (one and several), Yes / No, ISO dates, references as their display value with a link, people and
 * organisations as names; a referenced record the reader may not read shows "(no access)" and withheld fields stay
 * absent; references are looked up once per referenced table for a page; a bad `display` is invalid_query.
 */
import { expect } from 'chai';
import type { RecordData } from '../../../platform/records/types.js';
import { createToken, createUser, serve, type RunningServer, type TestUser } from '../../support/auth.js';
import { createTestEngine, fixture, steppingClock, type TestEngine } from '../../support/engine.js';
import { spreadsheetRows } from '../reports/spreadsheet-rows.js';

describe('Display values (display=true|all, CSV labels, labelled history)', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let boss: TestUser;
  let worker: TestUser;
  const auth: Record<string, string> = {};
  let orgName: string;
  let site: RecordData;
  let lab: RecordData;
  let vault: RecordData;
  let parent: RecordData;
  let ticket: RecordData;
  let hidden: RecordData;

  const call = (who: TestUser, path: string, init: RequestInit = {}) => fetch(server.url + path, {
    ...init, headers: { authorization: auth[who.username]!, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });
  const json = async (who: TestUser, path: string, init: RequestInit = {}): Promise<any> => {
    const res = await call(who, path, init);
    const text = await res.text();
    expect(res.status, text).to.be.oneOf([200, 201]);
    return JSON.parse(text).data;
  };
  const create = (who: TestUser, table: string, data: RecordData) => json(who, `/api/tables/${table}`, { method: 'POST', body: JSON.stringify(data) });

  before(async () => {
    fw = await createTestEngine({ roots: [fixture('packs/display')], clock: steppingClock('2026-11-22T09:00:00.000Z') });
    boss = await createUser(fw, { roles: ['dsp_boss'], password: null, totp: false });
    worker = await createUser(fw, { roles: ['dsp_worker'], password: null, totp: false });
    await fw.db.knex('sys_user').where({ id: boss.user.id }).update({ display_name: 'Bob Boss' });
    await fw.db.knex('sys_user').where({ id: worker.user.id }).update({ display_name: 'Wendy Worker' });
    orgName = (await fw.db.knex('sys_org').where({ id: boss.user.org_id }).first('name')).name;
    for (const u of [boss, worker]) auth[u.username] = `Bearer ${await createToken(fw, u.username)}`;
    server = await serve(fw);
    site = await create(boss, 'dsp_site', { name: 'Head office', public: true });
    lab = await create(boss, 'dsp_site', { name: 'Secret lab', public: false });
    vault = await create(boss, 'dsp_vault', { code: 'v-1' });
    parent = await create(boss, 'dsp_ticket', { title: 'Parent' });
    ticket = await create(boss, 'dsp_ticket', {
      title: 'Printer jam', kind: 'hw', tags: ['slow', 'down'], due: '2026-12-01', seen_at: '2026-11-22T09:30:00.000Z',
      site: site.id, vault: vault.id, parent: parent.id, private_note: 'hush',
    });
    hidden = await create(boss, 'dsp_ticket', { title: 'In the lab', site: lab.id });
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  it('display=true: labels for choices, booleans, references and people; dates stay ISO; withheld fields stay absent', async () => {
    const rows: RecordData[] = await json(worker, '/api/tables/dsp_ticket?display=true&sort=number');
    const row = rows.find((r) => r.id === ticket.id)!;
    expect(row).to.include({
      title: 'Printer jam', status: 'Open', kind: 'Hardware', urgent: 'No', due: '2026-12-01', seen_at: '2026-11-22T09:30:00.000Z',
      site: 'Head office', vault: '(no access)', parent: 'Parent', created_by: 'Bob Boss', updated_by: 'Bob Boss',
      org_id: orgName, class: 'Ticket', number: ticket.number, id: ticket.id,
    });
    expect(row.tags).to.deep.equal(['Running slowly', 'Not working']);
    expect(row).not.to.have.property('private_note');
    expect(rows.find((r) => r.id === hidden.id)).to.include({ site: '(no access)', kind: null });
  });

  it('display=all: { value, display, link } for references the reader may follow, { value, display } for other labelled fields', async () => {
    const mine = await json(worker, `/api/tables/dsp_ticket/${String(ticket.id)}?display=all`);
    expect(mine.site).to.deep.equal({ value: site.id, display: 'Head office', link: `/api/tables/dsp_site/${String(site.id)}` });
    expect(mine.vault).to.deep.equal({ value: vault.id, display: '(no access)' });
    expect(mine.tags).to.deep.equal({ value: ['slow', 'down'], display: ['Running slowly', 'Not working'] });
    expect(mine.urgent).to.deep.equal({ value: false, display: 'No' });
    expect(mine.due).to.deep.equal({ value: '2026-12-01', display: '2026-12-01' });
    expect(mine.title).to.equal('Printer jam');
    expect(mine).not.to.have.property('private_note');
    const other = await json(worker, `/api/tables/dsp_ticket/${String(hidden.id)}?display=all`);
    expect(other.site).to.deep.equal({ value: lab.id, display: '(no access)' });
    expect(other.kind).to.deep.equal({ value: null, display: null });

    // The boss reads the vault: a table without a display field is known by its number.
    const theirs = await json(boss, `/api/tables/dsp_ticket/${String(ticket.id)}?display=all&fields=vault,private_note`);
    expect(theirs.vault).to.deep.equal({ value: vault.id, display: vault.number, link: `/api/tables/dsp_vault/${String(vault.id)}` });
    expect(theirs.private_note).to.equal('hush');
    expect(Object.keys(theirs).sort()).to.deep.equal(['id', 'private_note', 'vault', 'version']);
  });

  it('display=false and no display answer the stored values', async () => {
    for (const q of ['', '?display=false']) {
      const r = await json(worker, `/api/tables/dsp_ticket/${String(ticket.id)}${q}`);
      expect(r).to.include({ kind: 'hw', site: site.id, urgent: false, created_by: boss.user.id });
    }
  });

  it('shows fields that name a person, queue, organisation or role by label, and refuses names of nothing', async () => {
    const orgCode = (await fw.db.knex('sys_org').where({ id: boss.user.org_id }).first('code')).code as string;
    await fw.db.knex('sys_queue').insert({ id: '0b7a4f0e-5d1c-4b8e-9f3a-2c6d8e1f0a11', name: 'help_line', label: 'Help line', created_at: '2026-11-22T09:00:00.000Z' });
    const named = await create(boss, 'dsp_ticket', {
      title: 'Named', owner: worker.username, team: 'help_line', company: orgCode, role_needed: 'dsp_worker',
    });
    const shown = await json(worker, `/api/tables/dsp_ticket/${String(named.id)}?display=true`);
    expect(shown).to.include({ owner: 'Wendy Worker', team: 'Help line', company: orgName, role_needed: 'Worker' });
    const all = await json(worker, `/api/tables/dsp_ticket/${String(named.id)}?display=all`);
    expect(all.owner).to.deep.equal({ value: worker.username, display: 'Wendy Worker' });
    for (const [field, value] of [['owner', 'nobody.here'], ['team', 'no_such_queue'], ['company', 'NOPE'], ['role_needed', 'dsp_ghost']] as const) {
      const res = await call(boss, `/api/tables/dsp_ticket/${String(named.id)}`, {
        method: 'PATCH', headers: { 'if-match': `W/"${String(named.version)}"` }, body: JSON.stringify({ [field]: value }),
      });
      const doc = await res.json() as { code: string; errors?: { field: string; code: string }[] };
      expect([res.status, doc.code, doc.errors?.map((e) => `${e.field}:${e.code}`)], field).to.deep.equal([422, 'validation_failed', [`${field}:unknown_name`]]);
    }
    const unchanged = await json(boss, `/api/tables/dsp_ticket/${String(named.id)}`);
    expect(unchanged).to.include({ owner: worker.username, team: 'help_line', version: named.version });
  });

  it('refuses an unknown display value with invalid_query (lists, reads, exports; all has no place in a CSV)', async () => {
    for (const path of [
      '/api/tables/dsp_ticket?display=yes', `/api/tables/dsp_ticket/${String(ticket.id)}?display=labels`,
      '/api/tables/dsp_ticket/export?display=all', '/api/tables/dsp_ticket?display=true&display=all',
    ]) {
      const res = await call(worker, path);
      const doc = await res.json() as Record<string, unknown>;
      expect([res.status, doc.code], `${path}: ${JSON.stringify(doc)}`).to.deep.equal([400, 'invalid_query']);
    }
  });

  it('looks up each referenced table once for a whole page, not once per row', async () => {
    const sites: RecordData[] = [];
    for (let i = 0; i < 3; i += 1) sites.push(await create(boss, 'dsp_site', { name: `Depot ${i}`, public: true }));
    await json(boss, '/api/tables/dsp_ticket', {
      method: 'POST', body: JSON.stringify(Array.from({ length: 24 }, (_, i) => ({ title: `Bulk ${i}`, site: sites[i % 3]!.id, parent: parent.id }))),
    });
    const statements: string[] = [];
    const listen = (q: { sql: string }) => { statements.push(q.sql); };
    const dbs = [...new Set([fw.db.knex, fw.db.reader])];
    for (const db of dbs) db.on('query', listen);
    try {
      const rows: RecordData[] = await json(worker, '/api/tables/dsp_ticket?display=true&limit=30&filter=' + encodeURIComponent(JSON.stringify(
        { fact: 'title', operator: 'startsWith', value: 'Bulk ' },
      )));
      expect(rows).to.have.length(24);
      expect(new Set(rows.map((r) => r.site))).to.deep.equal(new Set(['Depot 0', 'Depot 1', 'Depot 2']));
      expect(rows.every((r) => r.parent === 'Parent' && r.created_by === 'Bob Boss')).to.equal(true);
    } finally {
      for (const db of dbs) db.removeListener('query', listen);
    }
    const on = (table: string) => statements.filter((s) => new RegExp(`from [\`"]${table}[\`"]`, 'i').test(s)).length;
    // Signing in reads people too: count the look-up of names only.
    const names = statements.filter((s) => /[`"]display_name[`"] from [`"]sys_user[`"] where [`"]id[`"] in/i.test(s)).length;
    // Tickets: the page, its total, and the parent tickets' titles.
    expect({ sites: on('dsp_site'), names, tickets: on('dsp_ticket') }).to.deep.equal({ sites: 1, names: 1, tickets: 3 });
  });

  it('exports labels with display=true and stored values by default, under field labels either way', async () => {
    const fields = 'title,kind,tags,urgent,due,seen_at,site,vault,created_by';
    const filter = encodeURIComponent(JSON.stringify({ fact: 'title', operator: 'equal', value: 'Printer jam' }));
    const rowsOf = async (extra: string) => {
      const res = await call(worker, `/api/tables/dsp_ticket/export?fields=${fields}&filter=${filter}${extra}`);
      expect(res.status).to.equal(200);
      return spreadsheetRows(await res.text());
    };
    const header = ['Title', 'Kind', 'Tags', 'Urgent', 'Due', 'Seen', 'Site', 'Vault', 'Created by'];
    expect(await rowsOf('&display=true')).to.deep.equal([header, [
      'Printer jam', 'Hardware', 'Running slowly, Not working', 'No', '1 December 2026', '22 November 2026 at 09:30 UTC',
      'Head office', '(no access)', 'Bob Boss',
    ]]);
    expect(await rowsOf('')).to.deep.equal([header, [
      'Printer jam', 'hw', '["slow","down"]', 'false', '2026-12-01', '2026-11-22T09:30:00.000Z', String(site.id), String(vault.id), boss.user.id,
    ]]);
  });

  it('labels history and journal: value labels, names, and automatic actors as "Rule: …" / "Workflow: …" for the person', async () => {
    const id = String(ticket.id);
    await json(worker, `/api/tables/dsp_ticket/${id}`, { method: 'PATCH', body: JSON.stringify({ kind: 'sw', urgent: true }) });
    await json(boss, `/api/tables/dsp_ticket/${id}`, { method: 'PATCH', body: JSON.stringify({ site: lab.id }) });
    await json(worker, `/api/tables/dsp_ticket/${id}/transitions/finish`, { method: 'POST', body: '{}' });

    const history: any[] = await json(worker, `/api/tables/dsp_ticket/${id}/history`);
    const change = (field: string, operation = 'update') => history.find((h) => h.field === field && h.operation === operation);
    expect(change('kind')).to.include({
      oldValue: 'hw', newValue: 'sw', oldDisplay: 'Hardware', newDisplay: 'Software',
      changedBy: worker.username, changedById: worker.user.id, changedByName: 'Wendy Worker', actorLabel: 'Wendy Worker',
    });
    expect(change('flagged')).to.include({
      newDisplay: 'Yes', changedBy: `rule:dsp_flag for ${worker.username}`, changedByName: 'Wendy Worker',
      actorLabel: 'Rule: Flag urgent tickets for Wendy Worker',
    });
    expect(change('status')).to.include({
      oldDisplay: 'Open', newDisplay: 'Done', changedBy: `workflow:finish for ${worker.username}`,
      actorLabel: 'Workflow: Close the ticket for Wendy Worker',
    });
    // The lab is not the worker's to read: its name never shows, in history either.
    expect(change('site')).to.include({ oldDisplay: 'Head office', newDisplay: '(no access)', actorLabel: 'Bob Boss' });
    expect(change('tags', 'insert')).to.deep.include({ newDisplay: ['Running slowly', 'Not working'], actorLabel: 'Bob Boss' });
    expect(change('due', 'insert')).not.to.have.property('newDisplay');
    expect(history.some((h) => h.field === 'private_note')).to.equal(false);

    const journal: any[] = await json(worker, `/api/tables/dsp_ticket/${id}/journal`);
    expect(journal.map((j) => [j.body, j.createdBy, j.createdById, j.createdByName, j.actorLabel])).to.deep.equal([
      ['Flagged as urgent.', `rule:dsp_flag for ${worker.username}`, worker.user.id, 'Wendy Worker', 'Rule: Flag urgent tickets for Wendy Worker'],
    ]);
    const bossView: any[] = await json(boss, `/api/tables/dsp_ticket/${id}/history`);
    expect(bossView.find((h) => h.field === 'site' && h.operation === 'update')).to.include({ newDisplay: 'Secret lab' });
  });
});
