/**
 * The `formwork` command line:
 *   formwork start              run the server (migrate, sync, seed, serve)
 *   formwork validate [paths]   validate definitions; exits 1 listing every error
 *   formwork sync [--dry-run]   apply additive schema changes (refuses destructive ones)
 *   formwork seed               load data files (demo data unless FORMWORK_DEMO_DATA=false)
 */
import { existsSync, watch } from 'node:fs';
import { readConfig } from './config.js';
import { createEngine, type Engine } from './engine.js';
import { openDatabase, closeDatabase, runMigrations, planSchemaSync, applySchemaSync, describeRefusal } from './db/index.js';
import { RegistryHolder, validateDefinitions, formatDefinitionErrors } from './definitions/index.js';
import { createApp } from './http/app.js';
import { createLogger } from './log.js';
import { isFormworkError } from './errors.js';
import { seedData } from './seed.js';

const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

async function start(): Promise<void> {
  const config = readConfig();
  const log = createLogger();
  const engine = await createEngine(config, { log });
  const app = createApp(engine);
  const server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    out(`Formwork is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/`);
    out(`  database:    ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`);
    out(`  definitions: ${engine.registry.current.tables.size} tables, ${engine.registry.current.forms.size} forms (registry ${engine.registry.current.version.slice(0, 12)})`);
    out(`  try:         curl http://${config.host}:${port}/api/tables/incident?limit=5`);
  });
  watchDefinitions(engine);
  const stop = () => {
    server.close();
    void engine.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
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
  const db = openDatabase(config.databaseUrl);
  try {
    await runMigrations(db);
    const holder = new RegistryHolder();
    const loaded = await holder.reload(config.definitionRoots);
    if (loaded.errors.length) {
      err(formatDefinitionErrors(loaded.errors));
      return 1;
    }
    const plan = await planSchemaSync(db, holder.current);
    const refused = plan.filter((c) => !c.additive);
    for (const c of plan.filter((p) => p.additive)) out(`${c.kind} ${c.table}${c.field ? '.' + c.field : ''}${c.newType ? ' ' + c.newType : ''}${c.index ? ' ' + c.index : ''}`);
    for (const c of refused) err(`refused: ${describeRefusal(c)}`);
    if (refused.length) return 1;
    if (!args.includes('--dry-run')) await applySchemaSync(db, holder.current);
    out(args.includes('--dry-run') ? 'Dry run: nothing changed.' : 'Schema is in sync.');
    return 0;
  } finally {
    await closeDatabase(db);
  }
}

async function seed(): Promise<number> {
  const config = readConfig();
  const engine = await createEngine(config, { log: createLogger(), seed: false });
  try {
    const n = await seedData(engine, { demo: config.demoData });
    out(`${n} records created.`);
    return 0;
  } finally {
    await engine.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command = 'start', ...args] = argv;
  switch (command) {
    case 'start': await start(); return;
    case 'validate': process.exitCode = await validate(args); return;
    case 'sync': process.exitCode = await sync(args); return;
    case 'seed': process.exitCode = await seed(); return;
    default:
      err(`Unknown command "${command}". Commands: start, validate [paths], sync [--dry-run], seed.`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  err(isFormworkError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.stack ?? e));
  process.exitCode = 1;
});
