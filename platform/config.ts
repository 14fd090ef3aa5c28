import { resolve } from 'node:path';

/** Runtime configuration, read from the environment once at start. */
export interface Config {
  /** HTTP port (PORT, default 3000). */
  port: number;
  /** HOST to bind (HOST, default 127.0.0.1). */
  host: string;
  /** DATABASE_URL: a SQLite file path (default ./data/formwork.sqlite) or a postgres:// URL. */
  databaseUrl: string;
  /** Folders holding definitions (FORMWORK_DEFINITIONS, comma-separated; default definitions,catalog). */
  definitionRoots: string[];
  /** Load demo data on first start (FORMWORK_DEMO_DATA, default true). */
  demoData: boolean;
  /** Largest JSON body accepted (FORMWORK_BODY_LIMIT, default 1mb). */
  bodyLimit: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  return {
    port: env.PORT ? Number(env.PORT) : 3000,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL ?? resolve(cwd, 'data', 'formwork.sqlite'),
    definitionRoots: (env.FORMWORK_DEFINITIONS ?? 'definitions,catalog').split(',').map((p) => resolve(cwd, p.trim())),
    demoData: env.FORMWORK_DEMO_DATA !== 'false',
    bodyLimit: env.FORMWORK_BODY_LIMIT ?? '1mb',
  };
}
