/**
 * The `formwork` command line:
 *   formwork start              run the server (migrate, sync, seed under the start-up lock; then serve)
 *   formwork validate [--files-only] [paths]  validate definitions (with the studio's published layer unless paths or
 *                               --files-only are given); exits 1 listing every error
 *   formwork sync [--dry-run]   apply additive schema changes of the files and the published layer (refuses destructive ones)
 *   formwork export [--changes-since V] <dir|file.json>   the published layer as definition files (or one bundle file)
 *   formwork import <dir|bundle> --plan | --apply [--force] [--comment TEXT]   what an export would change; apply it
 *   formwork seed               load data files (demo data unless FORMWORK_DEMO_DATA=false; prints new demo people once)
 *   formwork admin create <username> [--org CODE] [--role NAME]...   a user with a temporary password
 *   formwork admin unlock <username>            lift a lockout
 *   formwork admin reset-password <username>    a new temporary password; the user's sessions end
 *   formwork token create <username> [--name N] an API token, printed once on stdout
 *   formwork search rebuild [table]             refill the full-text index of a searchable table (of every one without)
 */
import { existsSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { readConfig, type Config } from './config.js';
import { createEngine, type Engine } from './engine.js';
import { openDatabase, closeDatabase, runMigrations, withStartupLock } from './db/index.js';
import { planSchemaSync, applySchemaSync, describeRefusal } from './records/schema-sync.js';
import { definitionWarnings, formatDefinitionErrors } from './definitions/index.js';
import { createRegistryHolder, definitionSchemaText, SCHEMA_PATH, validateDefinitions } from './kinds.js';
import { createAdministrator, createApiToken, requireUser, resetPassword, unlockUserByOperator } from './access/identity/index.js';
import { createApp } from './http/app.js';
import { closeServer } from './http/close-server.js';
import { ensureUiBuilt } from './http/static.js';
import { startNotificationRunners } from './notify/index.js';
import { createLogger } from './log.js';
import { isFormworkError } from './errors.js';
import { indexShapes, rebuildSearchIndexes } from './search/index.js';
import type { SeededPerson, SeedReport } from './data/seed.js';
import type { DefinitionLayer } from './definitions/overlay.js';
import { buildExport, fetchHidden, fetchPublishedLayer, MANIFEST_FILE, readBundle, writeExport, type ImportPlanView } from './studio/index.js';

const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

/** Listen on `port` and `host`; rejects with the server's error (e.g. EADDRINUSE) instead of emitting it. */
function listen(app: RequestListener, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Why a start failed, in one line where the error allows. */
function startFailure(e: unknown, port: number, host: string): string {
  if (isFormworkError(e)) return `${e.code}: ${e.message}`;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return `port ${port} on ${host} is already in use (EADDRINUSE).`;
  if (code === 'EACCES') return `not allowed to listen on port ${port} on ${host} (EACCES).`;
  return String((e as Error)?.stack ?? e);
}

/**
 * `formwork start`. The engine comes up (migrations, schema sync, seeding and the demo administrator under the
 * database's start-up lock), then the server listens, and only then does background work start: workflow timers,
 * the SLA checker, notification runners and the definitions watcher. A start that fails at any step prints why,
 * closes what it opened and exits 1, so no instance lingers without listening.
 */
async function start(): Promise<void> {
  let config: Config | undefined;
  let engine: Engine | undefined;
  let server: Server;
  try {
    config = readConfig();
    await ensureUiBuilt();
    engine = await createEngine(config, { log: createLogger(), background: false, demoAdministrator: true });
    server = await listen(createApp(engine), config.port, config.host);
  } catch (e) {
    err(`Formwork did not start: ${startFailure(e, config?.port ?? 0, config?.host ?? '')}`);
    await engine?.close().catch(() => undefined);
    process.exit(1);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  for (const line of startBanner(engine, config, port)) out(line);
  engine.startBackground();
  // Notifications: dispatch events and record changes, and send the mail outbox (every instance may run them:
  // rows are claimed atomically).
  const stopNotifications = startNotificationRunners(engine, { pollMs: Number(process.env.NOTIFY_POLL_MS ?? 5000) });
  watchDefinitions(engine);
  const running = engine;
  const stop = () => {
    // Requests in flight finish (their access-log rows queued) before the engine flushes the log and closes.
    void closeServer(server).then(stopNotifications).then(() => running.close()).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** What `formwork start` prints once it listens: where, what it serves, and credentials this start created. */
function startBanner(engine: Engine, config: Config, port: number): string[] {
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  const registry = engine.registry.current;
  const lines = [
    `Formwork is running at ${base}/`,
    `  database:    ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`,
    `  definitions: ${registry.tables.size} tables, ${registry.forms.size} forms, ${registry.catalogItems.size} catalogue items (registry ${registry.version.slice(0, 12)})`,
  ];
  const demo = engine.demoAdministrator;
  if (demo) {
    lines.push(
      '',
      `  Demo sign-in (shown once): username "${demo.user.username}", temporary password ${demo.password}`,
      `    Open ${base}/ in a browser and sign in: you will set up an authenticator app, choose a new password and`,
      '    confirm your details. Or through the API:',
      `    POST ${base}/api/auth/sign-in with {"username":"${demo.user.username}","password":"…"}, then enrol an authenticator`,
      '    app (POST /api/auth/mfa/enrol, scan the QR code, POST /api/auth/mfa/verify {"code":"123456"}), choose a new',
      '    password (POST /api/auth/password) and confirm your details (POST /api/auth/profile).',
      `    For scripts: TOKEN=$(npx formwork token create ${demo.user.username}) and send "Authorization: Bearer $TOKEN".`,
    );
  }
  if (engine.seeded?.people.length) lines.push('', ...seededPeopleLines(engine.seeded));
  lines.push(`  try:         curl -H "Authorization: Bearer $TOKEN" ${base}/api/meta/menus`);
  return lines;
}

/**
 * The demo people a seeding created, by pack (username, organisation, roles), and their shared temporary password:
 * printed once, since only its hash is stored.
 */
function seededPeopleLines(report: SeedReport): string[] {
  const width = (pick: (p: SeededPerson) => string) => Math.max(...report.people.map((p) => pick(p).length));
  const [user, org] = [width((p) => p.username), width((p) => p.org)];
  const lines = [
    `  Demo people (shown once): each signs in with the temporary password ${report.password},`,
    '    then sets up an authenticator app, chooses a new password and confirms their details.',
  ];
  for (const pack of [...new Set(report.people.map((p) => p.pack))]) {
    lines.push(`    ${pack}:`);
    for (const p of report.people.filter((x) => x.pack === pack)) {
      lines.push(`      ${p.username.padEnd(user)}  ${p.org.padEnd(org)}  ${p.roles.join(', ') || 'no roles'}`);
    }
  }
  return lines;
}

/** Reload definitions when their files change; an invalid change is logged and the last good registry stays. */
function watchDefinitions(engine: Engine): void {
  if (process.env.FORMWORK_WATCH === 'false') return;
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const result = await engine.reloadDefinitions();
      if (result.ok) engine.log.info('definitions reloaded', { version: engine.registry.current.version });
      else engine.log.error('definitions rejected; still serving the last good version', { errors: formatDefinitionErrors(result.errors) });
    }, 200);
  };
  for (const root of engine.config.definitionRoots) {
    try {
      watch(root, { recursive: true }, reload).unref();
    } catch {
      // A missing root (e.g. no catalog/ yet) has nothing to watch.
    }
  }
}

/**
 * The studio's published layer in the configured database, for validating the files with it: null when there is no
 * database yet or nothing published (a missing SQLite file is not created).
 */
async function publishedLayer(config: Config): Promise<DefinitionLayer | null> {
  if (!/^postgres(ql)?:/.test(config.databaseUrl) && !existsSync(config.databaseUrl)) return null;
  const db = openDatabase(config.databaseUrl);
  try {
    if (!(await db.knex.schema.hasTable('sys_studio_version'))) return null;
    const layer = await fetchPublishedLayer(db.knex);
    return layer.version ? layer : null;
  } finally {
    await closeDatabase(db);
  }
}

async function validate(args: string[]): Promise<number> {
  const config = readConfig();
  const filesOnly = args.includes('--files-only');
  const paths = args.filter((a) => a !== '--files-only');
  const roots = paths.length ? paths : config.definitionRoots;
  // A path named on the command line must exist (a typo must not pass as "valid"); default roots may be absent.
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length) {
    err(`No such file or folder: ${missing.join(', ')}`);
    return 1;
  }
  // The configured definitions run with the studio's published layer over them: validate what would run.
  let layer: DefinitionLayer | null = null;
  if (!paths.length && !filesOnly) {
    try {
      layer = await publishedLayer(config);
    } catch (e) {
      err(`The studio's published definitions were not checked: the database could not be read (${(e as Error)?.message ?? e}).`);
    }
  }
  const errors = layer ? (await createRegistryHolder().prepare(roots, layer)).errors : await validateDefinitions(roots);
  // Warnings (words for people) are printed and never fail validation.
  const warnings = await definitionWarnings(roots);
  if (warnings.length) {
    out(formatDefinitionErrors(warnings));
    out(`${warnings.length} warning${warnings.length > 1 ? 's' : ''}: texts people read with internal words.`);
  }
  const what = `${roots.join(', ')}${layer ? `, with the studio's published version ${layer.version}` : ''}`;
  if (!errors.length) {
    out(`Definitions are valid (${what}).`);
    return 0;
  }
  err(formatDefinitionErrors(errors));
  err(`${errors.length} error${errors.length > 1 ? 's' : ''} found. Checked: ${what}.`);
  return 1;
}

async function sync(args: string[]): Promise<number> {
  const config = readConfig();
  const holder = createRegistryHolder();
  const loaded = await holder.reload(config.definitionRoots);
  if (loaded.errors.length) {
    err(formatDefinitionErrors(loaded.errors));
    return 1;
  }
  const db = openDatabase(config.databaseUrl);
  try {
    // Under the start-up lock: an instance starting meanwhile must not sync the same tables at the same time.
    return await withStartupLock(db, async () => {
      await runMigrations(db);
      // What runs is the files with the studio's published layer over them; tables it hid stay as they are.
      const layer = await fetchPublishedLayer(db.knex);
      const built = layer.version ? await holder.prepare(config.definitionRoots, layer) : loaded;
      if (!built.registry) {
        err(`The studio's published version ${layer.version} is not valid with these definition files:`);
        err(formatDefinitionErrors(built.errors));
        return 1;
      }
      const registry = built.registry;
      const keep = await fetchHidden(db.knex);
      const plan = await planSchemaSync(db, registry);
      const refused = plan.filter((c) => !c.additive && !((c.kind === 'drop_table' || c.kind === 'drop_column') && keep(c)));
      for (const c of plan.filter((p) => p.additive)) out(`${c.kind} ${c.table}${c.field ? '.' + c.field : ''}${c.newType ? ' ' + c.newType : ''}${c.index ? ' ' + c.index : ''}`);
      for (const c of refused) err(`refused: ${describeRefusal(c)}`);
      if (refused.length) return 1;
      if (!args.includes('--dry-run')) await applySchemaSync(db, registry, new Date(), keep);
      out(args.includes('--dry-run') ? 'Dry run: nothing changed.' : 'Schema is in sync.');
      return 0;
    });
  } finally {
    await closeDatabase(db);
  }
}

const EXPORT_USAGE = 'Usage: formwork export [--changes-since VERSION] <folder | bundle.json>';

/**
 * `formwork export`: the published layer (or its changes since a version) written as definition files in the pack
 * layout with a manifest, or as one bundle file when the target ends in `.json`.
 */
async function exportLayer(args: string[]): Promise<number> {
  const { positional, options } = parseArgs(args);
  const since = options.get('changes-since')?.at(-1);
  if (positional.length !== 1 || [...options.keys()].some((k) => k !== 'changes-since') || (since !== undefined && !/^\d{1,9}$/.test(since))) {
    err(EXPORT_USAGE);
    return 2;
  }
  const target = positional[0]!;
  const db = openDatabase(readConfig().databaseUrl);
  try {
    await withStartupLock(db, () => runMigrations(db));
    const bundle = await buildExport(db.knex, { since: since === undefined ? undefined : Number(since), now: new Date() });
    const manifest = bundle.files[MANIFEST_FILE] as { version: number; base: number; definitions: unknown[]; removed: unknown[] };
    if (target.endsWith('.json')) writeFileSync(target, `${JSON.stringify(bundle, null, 2)}\n`);
    else await writeExport(target, bundle);
    const scope = manifest.base ? `changes since version ${manifest.base}` : 'the whole published layer';
    out(`Exported version ${manifest.version} (${scope}) to ${target}: ${manifest.definitions.length} definition${manifest.definitions.length === 1 ? '' : 's'}`
      + `, ${manifest.removed.length} removed.`);
    return 0;
  } finally {
    await closeDatabase(db);
  }
}

const IMPORT_USAGE = 'Usage: formwork import <folder | bundle.json> --plan | --apply [--force] [--comment TEXT]';

/** A plan as people read it: what changes, the schema changes, conflicts and errors. */
function planLines(plan: ImportPlanView): string[] {
  const names = (items: { kind: string; name: string }[]) => items.map((i) => `${i.kind} ${i.name}`).join(', ');
  const lines: string[] = [];
  if (plan.source) {
    const scope = plan.source.base ? `changes since its version ${plan.source.base}` : 'its whole published layer';
    lines.push(`Export of version ${plan.source.version} (${scope}), made ${plan.source.exportedAt}:`);
  } else lines.push('Definition files without an export manifest:');
  lines.push(`  added:     ${names(plan.added) || 'none'}`);
  lines.push(`  changed:   ${plan.changed.length ? '' : 'none'}`);
  for (const c of plan.changed) {
    lines.push(`    ${c.kind} ${c.name}${c.toFile ? ' (back to its definition file)' : ''}`);
    for (const p of c.changes ?? []) lines.push(`      ${p.op} ${p.pointer || '(whole definition)'}`);
  }
  lines.push(`  removed:   ${names(plan.removed) || 'none'}`);
  lines.push(`  unchanged: ${plan.unchanged}`);
  lines.push(`Schema changes: ${plan.schemaChanges.length ? '' : 'none'}`);
  for (const c of plan.schemaChanges) lines.push(`  ${c.kind} ${c.table}${c.field ? '.' + c.field : ''}`);
  if (plan.hidden.length) lines.push(`Tables taken out, kept hidden with their data: ${plan.hidden.join(', ')}`);
  for (const r of plan.refused) lines.push(`Refused: ${r}`);
  if (plan.conflicts.length) lines.push('Conflicts (changed in this database since the export\'s base; importing would overwrite them):');
  for (const c of plan.conflicts) {
    lines.push(`  ${c.kind} ${c.name}${c.changedIn ? `: changed here in version ${c.changedIn.version} by ${c.changedIn.author} at ${c.changedIn.at}` : ''}`);
  }
  if (plan.errors.length) lines.push('Definition errors:', formatDefinitionErrors(plan.errors));
  return lines;
}

/** `formwork import`: the plan of an export, or applying it as one new version (as the system, audited). */
async function importLayer(args: string[]): Promise<number> {
  const flags = new Set<string>(args.filter((a) => a === '--plan' || a === '--apply' || a === '--force'));
  const { positional, options } = parseArgs(args.filter((a) => !flags.has(a)));
  const apply = flags.has('--apply');
  if (positional.length !== 1 || apply === flags.has('--plan') || [...options.keys()].some((k) => k !== 'comment') || (!apply && flags.has('--force'))) {
    err(IMPORT_USAGE);
    return 2;
  }
  const bundle = await readBundle(positional[0]!);
  return withEngine(async (engine) => {
    const studio = engine.studio!;
    if (!apply) {
      const plan = await studio.planImport(bundle);
      for (const line of planLines(plan)) out(line);
      const blocked = plan.conflicts.length > 0 || plan.errors.length > 0 || plan.refused.length > 0;
      out(blocked ? 'The import cannot be applied as it stands.' : 'The import can be applied.');
      return blocked ? 1 : 0;
    }
    const result = await studio.applyImport(engine.systemActor, bundle, { force: flags.has('--force'), comment: options.get('comment')?.at(-1) });
    for (const line of planLines(result.plan)) out(line);
    out(result.version ? `Published as version ${result.version.number}.` : 'Nothing to import: this database already has these definitions.');
    return 0;
  });
}

/**
 * `formwork seed`: the schema synced and the data files loaded, under the start-up lock like a start (seeding
 * needs the tables), without serving or starting background work.
 */
async function seed(): Promise<number> {
  const engine = await createEngine(readConfig(), { log: createLogger(), background: false });
  try {
    const report = engine.seeded!;
    out(`${report.records} records created.`);
    if (report.organisations || report.queues) out(`${report.organisations} organisations and ${report.queues} queues created.`);
    for (const line of report.people.length ? seededPeopleLines(report) : []) out(line);
    return 0;
  } finally {
    await engine.close();
  }
}

/** Positional arguments and repeatable `--name value` options. */
function parseArgs(args: string[]): { positional: string[]; options: Map<string, string[]> } {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const value = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined) throw new Error(`Option --${name} needs a value.`);
      options.set(name, [...(options.get(name) ?? []), value]);
    } else {
      positional.push(a);
    }
  }
  return { positional, options };
}

/**
 * Run `work` on an engine that only opened the database (migrations under the start-up lock) and loaded the
 * registry (identity commands need role names): no schema sync, no seeding, no background work.
 */
async function withEngine(work: (engine: Engine) => Promise<number>): Promise<number> {
  const engine = await createEngine(readConfig(), { log: createLogger(), databaseOnly: true });
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

const ADMIN_USAGE = 'Usage: formwork admin create <username> [--org CODE] [--role NAME]... | admin unlock <username> | admin reset-password <username>';

async function admin(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, options } = parseArgs(rest);
  const username = positional[0];
  if (!username || positional.length > 1) {
    err(ADMIN_USAGE);
    return 2;
  }
  switch (sub) {
    case 'create':
      return withEngine(async (engine) => {
        const { user, password } = await createAdministrator(engine, { username, orgCode: options.get('org')?.at(-1), roles: options.get('role') });
        const roles = await engine.db.knex('sys_user_role').where({ user_id: user.id }).pluck('role');
        out(`Created user "${user.username}" (roles: ${roles.join(', ') || 'none'}).`);
        out(`Temporary password (shown once; it must be changed at the first sign-in): ${password}`);
        return 0;
      });
    case 'unlock':
      return withEngine(async (engine) => {
        await unlockUserByOperator(engine, username);
        out(`Unlocked "${username}".`);
        return 0;
      });
    case 'reset-password':
      return withEngine(async (engine) => {
        const { password } = await resetPassword(engine, username);
        out(`The sessions of "${username}" have ended.`);
        out(`Temporary password (shown once; it must be changed at the next sign-in): ${password}`);
        return 0;
      });
    default:
      err(ADMIN_USAGE);
      return 2;
  }
}

async function token(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, options } = parseArgs(rest);
  if (sub !== 'create' || positional.length !== 1) {
    err('Usage: formwork token create <username> [--name NAME]');
    return 2;
  }
  return withEngine(async (engine) => {
    const user = await requireUser(engine, positional[0]!);
    const created = await createApiToken(engine, user.id, { name: options.get('name')?.at(-1) ?? 'CLI token' });
    // The token alone on stdout, so `TOKEN=$(formwork token create alice)` works; it is not shown again.
    out(created.token);
    err(`API token "${created.name}" created for ${user.username}; send it as "Authorization: Bearer <token>". It is not shown again.`);
    return 0;
  });
}

const SEARCH_USAGE = 'Usage: formwork search rebuild [table]';

/**
 * `formwork search rebuild [table]`: empty and refill the full-text index of one searchable table (with the tables
 * sharing its storage), or of every searchable table; for when an index is suspected out of step with its records.
 * Runs on the synced schema, as the server would: migrations only, no sync.
 */
async function search(args: string[]): Promise<number> {
  const [sub, ...positional] = args;
  if (sub !== 'rebuild' || positional.length > 1 || positional.some((a) => a.startsWith('--'))) {
    err(SEARCH_USAGE);
    return 2;
  }
  return withEngine(async (engine) => {
    const registry = engine.registry.current;
    const name = positional[0];
    if (name !== undefined && !registry.tables.has(name)) {
      err(`There is no table "${name}". Name a searchable table, or none to rebuild every search index.`);
      return 1;
    }
    const physical = name === undefined ? [...indexShapes(registry).keys()] : [registry.getTable(name).physical];
    for (const p of physical) {
      if (await engine.db.knex.schema.hasTable(p)) continue;
      err(`Table "${p}" is not in the database yet: run \`formwork sync\` first.`);
      return 1;
    }
    let counts: Record<string, number>;
    try {
      counts = await rebuildSearchIndexes(engine.db, registry, name);
    } catch (e) {
      if (!isFormworkError(e) || e.code !== 'invalid_query') throw e;
      err(`Table "${name}" is not searchable: its definition declares no searchable fields, so it has no search index.`);
      return 1;
    }
    const rebuilt = Object.keys(counts);
    if (!rebuilt.length) out('No table is searchable: there is no search index to rebuild.');
    for (const p of rebuilt) {
      // An index serves the stored table, which carries its root table's name: people read that table's labels.
      const table = registry.tables.get(p);
      const label = table?.def.pluralLabel ?? table?.def.label ?? p;
      const n = counts[p]!;
      out(`Rebuilt the search index of ${label}: ${n.toLocaleString('en-GB')} record${n === 1 ? '' : 's'}.`);
    }
    return 0;
  });
}

/**
 * `formwork schema [--check]`: write the assembled definition schema to definitions.schema.json (editors and the
 * designer read it); with --check, only say whether the file is current (exit 1 when it is not).
 */
function schema(args: string[]): number {
  const text = definitionSchemaText();
  const current = existsSync(SCHEMA_PATH) ? readFileSync(SCHEMA_PATH, 'utf8') : '';
  if (args.includes('--check')) {
    if (current === text) { out('definitions.schema.json is current.'); return 0; }
    err('definitions.schema.json is out of date: run `npm run build:schema`.');
    return 1;
  }
  if (current !== text) writeFileSync(SCHEMA_PATH, text);
  out(current === text ? 'definitions.schema.json is current.' : 'Wrote definitions.schema.json.');
  return 0;
}

async function main(argv: string[]): Promise<void> {
  const [command = 'start', ...args] = argv;
  switch (command) {
    case 'start': await start(); return;
    case 'validate': process.exitCode = await validate(args); return;
    case 'export': process.exitCode = await exportLayer(args); return;
    case 'import': process.exitCode = await importLayer(args); return;
    case 'sync': process.exitCode = await sync(args); return;
    case 'seed': process.exitCode = await seed(); return;
    case 'admin': process.exitCode = await admin(args); return;
    case 'token': process.exitCode = await token(args); return;
    case 'schema': process.exitCode = schema(args); return;
    case 'search': process.exitCode = await search(args); return;
    default:
      err(`Unknown command "${command}". Commands: start, validate [paths], sync [--dry-run], seed, export <dir>, import <dir> --plan|--apply, schema [--check], admin create|unlock|reset-password <username>, token create <username>, search rebuild [table].`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  err(isFormworkError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.stack ?? e));
  process.exitCode = 1;
});
