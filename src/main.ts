// Entry point: `npm start -- [--port N] [--data-dir DIR]`.

import { userInfo } from 'node:os';
import { parseConfig } from './config.js';
import { Database } from './database.js';
import { PgServer } from './pgwire/server.js';
import { WEIR_VERSION } from './version.js';

async function main(): Promise<void> {
  const cfg = parseConfig(process.argv.slice(2), process.env);
  const db = await Database.open({ dataDir: cfg.dataDir, bootstrapUser: process.env.WEIR_BOOTSTRAP_USER ?? safeUser() });
  const server = new PgServer(db, { host: cfg.host, port: cfg.port, passwordMethod: cfg.passwordMethod });
  const port = await server.listen();
  process.stdout.write(`Weir ${WEIR_VERSION} listening on ${cfg.host}:${port} (data in ${cfg.dataDir})\n`);
  process.stdout.write(`connect with: psql -h ${cfg.host} -p ${port} -U ${db.catalog.users()[0]?.name ?? 'weir'} weir\n`);
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`received ${sig}, shutting down\n`);
    await server.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** The OS user name, which psql uses as the default role. */
function safeUser(): string {
  try { return userInfo().username || 'weir'; } catch { return 'weir'; }
}

main().catch((e) => {
  process.stderr.write(`weir: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
