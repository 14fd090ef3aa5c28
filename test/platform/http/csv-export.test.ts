/**
 * GET /api/tables/:table/export streams the CSV page by page: many rows come out complete, in order and exactly
 * once; hostile cells (line breaks, formulas on any line) stay one inert cell; numbers, booleans, JSON and missing
 * values are written readably; refusals found on the first page are problem documents; a failure after the first
 * byte cuts the response short and is logged, and the server keeps serving.
 */
import { expect } from 'chai';
import { MAX_LIMIT } from '../../../platform/records/index.js';
import type { RecordData } from '../../../platform/records/types.js';
import { createToken, createUser, serve, type RunningServer } from '../../support/auth.js';
import { createTestEngine, steppingClock, type TestEngine } from '../../support/engine.js';
import { spreadsheetRows } from '../reports/spreadsheet-rows.js';

const ROWS = 4_600;

/** Descriptions of the hostile rows, and the cell a spreadsheet must show for each. */
const HOSTILE: [string, string][] = [
  ['see below\n=cmd|\' /C calc\'!A0', 'see below\n\'=cmd|\' /C calc\'!A0'],
  ['\r=1+1', '\'\r\'=1+1'],
  ['ok\r\n@SUM(A1)\n-2+3\r\tx', 'ok\r\n\'@SUM(A1)\n\'-2+3\r\'\tx'],
  ['+cmd, "quoted"', '\'+cmd, "quoted"'],
];

describe('HTTP: CSV export of records', () => {
  let fw: TestEngine;
  let server: RunningServer;
  let auth: string;

  before(async () => {
    fw = await createTestEngine({ clock: steppingClock('2026-11-22T09:00:00.000Z') });
    const admin = await createUser(fw, { roles: ['admin'], password: null, totp: false });
    auth = `Bearer ${await createToken(fw, admin.username)}`;
    for (let i = 0; i < ROWS; i += 1000) {
      const batch: RecordData[] = Array.from({ length: Math.min(1000, ROWS - i) }, (_, j) => {
        const n = i + j;
        const hostile = n % 97 === 0 ? HOSTILE[(n / 97) % HOSTILE.length]![0] : null;
        return { short_description: `Row ${String(n).padStart(5, '0')}`, description: hostile, active: n % 2 === 0 };
      });
      await fw.records.createMany('task', batch, { actor: fw.systemActor });
    }
    await fw.records.createOne('incident', {
      short_description: 'Typed cells', category: 'hardware', impact: 2, estimated_cost: 1234.5, symptoms: ['slow', 'outage'],
      diagnostics: { note: '=1+1\n=2' }, due_date: '2026-12-01', caller_reference: null,
    }, { actor: fw.systemActor });
    server = await serve(fw);
  });
  after(async () => {
    await server?.close();
    await fw?.dispose();
  });

  const exportOf = (query: string) => fetch(`${server.url}/api/tables/task/export?${query}`, { headers: { authorization: auth } });

  it('streams every row exactly once, in order, each hostile cell one inert cell', async () => {
    const filter = encodeURIComponent(JSON.stringify({ fact: 'short_description', operator: 'startsWith', value: 'Row ' }));
    const res = await exportOf(`filter=${filter}&fields=short_description,description,active&sort=short_description`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).to.equal('attachment; filename="task-2026-11-22.csv"');
    const csv = await res.text();
    expect(csv.endsWith('\r\n')).to.equal(true);
    const rows = spreadsheetRows(csv);
    expect(rows[0]).to.deep.equal(['Short description', 'Description', 'Active']);
    expect(rows).to.have.length(ROWS + 1);
    expect(ROWS).to.be.greaterThan(4 * MAX_LIMIT);
    rows.slice(1).forEach((row, n) => {
      const hostile = n % 97 === 0 ? HOSTILE[(n / 97) % HOSTILE.length]![1] : '';
      expect(row, `row ${n}`).to.deep.equal([`Row ${String(n).padStart(5, '0')}`, hostile, n % 2 === 0 ? 'true' : 'false']);
    });
  });

  it('writes numbers, booleans, lists, JSON and missing values readably', async () => {
    const res = await fetch(`${server.url}/api/tables/incident/export?fields=impact,estimated_cost,symptoms,diagnostics,due_date,caller_reference,active`, {
      headers: { authorization: auth },
    });
    const rows = spreadsheetRows(await res.text());
    expect(rows).to.deep.equal([
      ['Impact', 'Estimated cost', 'Symptoms', 'Diagnostics', 'Due date', 'Your reference', 'Active'],
      ['2', '1234.5', '["slow","outage"]', '{"note":"=1+1\\n=2"}', '2026-12-01', '', 'true'],
    ]);
  });

  it('answers refusals found before the first byte as problem documents', async () => {
    for (const [query, status, code] of [
      ['filter=%7Bnot%20json', 400, 'invalid_query'],
      ['fields=nope', 400, 'unknown_field'],
      [`filter=${encodeURIComponent(JSON.stringify({ fact: 'opened_at', operator: 'inLast', value: { amount: 1e17, unit: 'days' } }))}`, 400, 'invalid_query'],
    ] as const) {
      const res = await exportOf(query);
      const doc = await res.json() as Record<string, unknown>;
      expect([res.status, doc.code], JSON.stringify(doc)).to.deep.equal([status, code]);
      expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(res.headers.get('content-disposition')).to.equal(null);
    }
  });

  it('cuts the response short and logs a failure after the first byte, and keeps serving', async () => {
    const records = fw.records as unknown as Record<string, unknown>;
    const query = fw.records.query.bind(fw.records);
    const logged: string[] = [];
    const error = fw.log.error;
    records.query = (async (...args: Parameters<typeof query>) => {
      if ((args[1].offset ?? 0) >= 2 * MAX_LIMIT) throw new Error('the database went away');
      return query(...args);
    }) as typeof query;
    fw.log.error = (msg, data) => { logged.push(`${msg}: ${String(data?.error)}`); };
    try {
      const res = await exportOf('fields=short_description');
      expect(res.status).to.equal(200);
      let read = '';
      let failure: unknown;
      try {
        for await (const chunk of res.body!) read += Buffer.from(chunk).toString('utf8');
      } catch (e) {
        failure = e;
      }
      expect(failure, 'the download ends in an error, not as a shorter file').to.be.instanceOf(Error);
      expect(spreadsheetRows(read)[0]).to.deep.equal(['Short description']);
      expect(spreadsheetRows(read).length).to.be.below(ROWS);
      expect(logged).to.deep.equal(['CSV export failed after it started: the database went away']);
      await fw.accessLog.flush();
      const row = await fw.db.knex('sys_access_log').where({ url: '/api/tables/task/export?fields=short_description' }).first();
      expect(row?.description, 'the cut-short download is in the access log, saying so').to.equal('The response was cut short before it was complete.');
    } finally {
      delete records.query;
      fw.log.error = error;
    }
    const again = await exportOf(`filter=${encodeURIComponent(JSON.stringify({ fact: 'short_description', operator: 'equal', value: 'Row 00001' }))}&fields=short_description`);
    expect(spreadsheetRows(await again.text())).to.deep.equal([['Short description'], ['Row 00001']]);
  });
});
