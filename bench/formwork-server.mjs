// The benchmark's Formwork server, in a process of its own and from the compiled server (dist/, `npm run build`),
// as `npm start` runs it: the bench definitions on SQLite, an organisation, a user holding the bench_user role and
// an API token for it, as a machine client would use.
//   node bench/formwork-server.mjs <sqlite-file> <definitions-roots, comma-separated>     prints {"url", "token", "orgId"} once listening
import { createApiToken, createOrg, createUser } from '../dist/platform/access/identity/index.js';
import { readConfig } from '../dist/platform/config.js';
import { createEngine } from '../dist/platform/engine.js';
import { createApp } from '../dist/platform/http/app.js';
import { createLogger } from '../dist/platform/log.js';

const [file, root] = process.argv.slice(2);
const engine = await createEngine(
  { ...readConfig({}), databaseUrl: file, definitionRoots: root.split(','), demoData: false },
  { log: createLogger('silent') },
);
const org = await createOrg(engine, { code: 'BENCH', name: 'Benchmark' });
// bench_orderer comes with the catalogue's bench definitions (bench/catalog-definitions) when they are loaded.
const roles = ['bench_user', 'bench_orderer'].filter((r) => engine.registry.current.roles.has(r));
const user = await createUser(engine, { username: 'bench', orgId: org.id, roles });
const { token } = await createApiToken(engine, user.id, { name: 'bench' });
const server = createApp(engine).listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, token, orgId: org.id }) + '\n');
});
process.on('SIGTERM', () => {
  server.close();
  void engine.close().then(() => process.exit(0));
});
