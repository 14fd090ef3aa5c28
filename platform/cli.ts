/**
 * The `formwork` command line:
 *   formwork start              run the server (migrate, sync, seed under the start-up lock; then serve)
 *   formwork validate [paths]   validate definitions; exits 1 listing every error
 *   formwork sync [--dry-run]   apply additive schema changes (refuses destructive ones)
 *   formwork seed               load data files (demo data unless FORMWORK_DEMO_DATA=false; prints new demo people once)
 *   formwork admin create <username> [--org CODE] [--role NAME]...   a user with a temporary password
 *   formwork admin unlock <username>            lift a lockout
 *   formwork admin reset-password <username>    a new temporary password; the user's sessions end
 *   formwork token create <username> [--name N] an API token, printed once on stdout
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
import type { SeededPerson, SeedReport } from './data/seed.js';

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

async function validate(paths: string[]): Promise<number> {
  const config = readConfig();
  const roots = paths.length ? paths : config.definitionRoots;
  // A path named on the command line must exist (a typo must not pass as "valid"); default roots may be absent.
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length) {
    err(`No such file or folder: ${missing.join(', ')}`);
    return 1;
  }
  const errors = await validateDefinitions(roots);
  // Warnings (words for people) are printed and never fail validation.
  const warnings = await definitionWarnings(roots);
  if (warnings.length) {
    out(formatDefinitionErrors(warnings));
    out(`${warnings.length} warning${warnings.length > 1 ? 's' : ''}: texts people read with internal words.`);
  }
  if (!errors.length) {
    out(`Definitions are valid (${roots.join(', ')}).`);
    return 0;
  }
  err(formatDefinitionErrors(errors));
  err(`${errors.length} error${errors.length > 1 ? 's' : ''} found.`);
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
      const plan = await planSchemaSync(db, holder.current);
      const refused = plan.filter((c) => !c.additive);
      for (const c of plan.filter((p) => p.additive)) out(`${c.kind} ${c.table}${c.field ? '.' + c.field : ''}${c.newType ? ' ' + c.newType : ''}${c.index ? ' ' + c.index : ''}`);
      for (const c of refused) err(`refused: ${describeRefusal(c)}`);
      if (refused.length) return 1;
      if (!args.includes('--dry-run')) await applySchemaSync(db, holder.current);
      out(args.includes('--dry-run') ? 'Dry run: nothing changed.' : 'Schema is in sync.');
      return 0;
    });
  } finally {
    await closeDatabase(db);
  }
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
    case 'sync': process.exitCode = await sync(args); return;
    case 'seed': process.exitCode = await seed(); return;
    case 'admin': process.exitCode = await admin(args); return;
    case 'token': process.exitCode = await token(args); return;
    case 'schema': process.exitCode = schema(args); return;
    default:
      err(`Unknown command "${command}". Commands: start, validate [paths], sync [--dry-run], seed, schema [--check], admin create|unlock|reset-password <username>, token create <username>.`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  err(isFormworkError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.stack ?? e));
  process.exitCode = 1;
});
