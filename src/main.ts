// Entry point: `npm start -- [--port N] [--data-dir DIR]`.

import { userInfo } from 'node:os';
import { parseConfig } from './config.js';
import { Database } from './database.js';
import { PgServer } from './pgwire/server.js';
import { RestServer } from './rest/rest-server.js';
import { StreamingRestBackend } from './rest/streaming-backend.js';
import { WEIR_VERSION } from './version.js';

async function main(): Promise<void> {
  const cfg = parseConfig(process.argv.slice(2), process.env);
  // The streaming runtime reads its cluster size from the environment (see stream/runtime/cluster.ts).
  if (cfg.taskManagers) process.env.WEIR_TASK_MANAGERS = String(cfg.taskManagers);
  if (cfg.slotsPerTaskManager) process.env.WEIR_SLOTS = String(cfg.slotsPerTaskManager);
  if (cfg.stateMemoryBytes) process.env.WEIR_STATE_MEMORY = String(cfg.stateMemoryBytes);
  const db = await Database.open({ dataDir: cfg.dataDir, bootstrapUser: process.env.WEIR_BOOTSTRAP_USER ?? safeUser() });
  const server = new PgServer(db, {
    host: cfg.host, port: cfg.port, passwordMethod: cfg.passwordMethod,
    maxMessageBytes: cfg.maxMessageBytes, authenticationTimeoutMs: cfg.authenticationTimeoutMs,
  });
  const port = await server.listen();
  process.stdout.write(`Weir ${WEIR_VERSION} listening on ${cfg.host}:${port} (data in ${cfg.dataDir})\n`);
  process.stdout.write(`connect with: psql -h ${cfg.host} -p ${port} -U ${db.catalog.users()[0]?.name ?? 'weir'} weir\n`);
  let rest: RestServer | null = null;
  if (cfg.restPort !== null) {
    rest = new RestServer(new StreamingRestBackend(db.streaming));
    const restPort = await rest.listen(cfg.restPort, cfg.host);
    process.stdout.write(`REST API (Flink-compatible) on http://${cfg.host}:${restPort}/\n`);
  }
  // Graceful shutdown, like PostgreSQL's: refuse new connections, end idle sessions with FATAL
  // 57P01, let commands in progress finish (up to the grace period, then cancel them), stop the
  // streaming jobs and close LevelDB so its log is flushed. A second signal exits at once.
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) { process.stdout.write(`received ${sig} again, exiting now\n`); process.exit(1); }
    stopping = true;
    process.stdout.write(`received ${sig}, shutting down\n`);
    try {
      await rest?.close();
      await server.close(cfg.shutdownGraceMs);
      await db.close();
    } catch (e) {
      process.stderr.write(`weir: shutdown failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    }
    process.stdout.write('shutdown complete\n');
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
