// The benchmark's baseline: raw Express + knex on SQLite with the same settings as Formwork (WAL,
// synchronous=NORMAL, one connection), doing the least a record API must (insert the row and an audit row in a
// transaction; select by id; filter + sort + limit on a composite index). Plain JavaScript, run by node itself.
//   node bench/baseline-server.mjs <sqlite-file> [driver]    prints {"url": …} once listening
// driver: knex's usual `sqlite3` (asynchronous, the default, what the targets are measured against) or
// `better-sqlite3` (synchronous, the driver Formwork uses), for reference.
import express from 'express';
import knexFactory from 'knex';
import { v7 as uuidv7 } from 'uuid';

const COLUMNS = ['title', 'body', 'status', 'priority', 'amount', 'flag', 'due', 'opened_at', 'email', 'owner', 'code', 'site'];
const driver = process.argv[3] ?? 'sqlite3';
const PRAGMAS = ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', 'busy_timeout = 5000'];
const knex = knexFactory({
  client: driver,
  connection: { filename: process.argv[2] },
  useNullAsDefault: true,
  pool: {
    min: 1, max: 1,
    afterCreate(conn, done) {
      if (driver === 'better-sqlite3') {
        for (const p of PRAGMAS) conn.pragma(p);
        done(null, conn);
        return;
      }
      conn.exec(PRAGMAS.map((p) => `PRAGMA ${p};`).join(' '), (e) => done(e, conn));
    },
  },
});

if (!(await knex.schema.hasTable('base_item'))) {
  await knex.schema.createTable('base_item', (t) => {
    t.string('id', 36).primary();
    for (const c of COLUMNS) t.text(c);
    t.string('created_at', 30); t.integer('version');
    t.index(['status', 'opened_at', 'id']);
  });
  await knex.schema.createTable('base_audit', (t) => {
    t.string('id', 36).primary(); t.string('record_id', 36); t.text('changes'); t.string('at', 30);
  });
}

const app = express();
app.use(express.json());
app.post('/items', async (req, res) => {
  const id = uuidv7();
  const at = new Date().toISOString();
  await knex.transaction(async (trx) => {
    await trx('base_item').insert({ id, ...req.body, created_at: at, version: 1 });
    await trx('base_audit').insert({ id: uuidv7(), record_id: id, changes: JSON.stringify(req.body), at });
  });
  res.status(201).json({ data: { id, ...req.body, created_at: at, version: 1 } });
});
app.get('/items', async (req, res) => {
  const rows = await knex('base_item').where({ status: String(req.query.status) })
    .orderBy([{ column: 'opened_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(20);
  res.json({ data: rows });
});
app.get('/items/:id', async (req, res) => {
  const row = await knex('base_item').where({ id: req.params.id }).first();
  if (!row) res.status(404).end(); else res.json({ data: row });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }) + '\n');
});
process.on('SIGTERM', () => { server.close(); void knex.destroy().then(() => process.exit(0)); });
