// The PostgreSQL-wire TCP server: accepts connections, routes CancelRequests to the session they
// name, and shuts down gracefully (stop accepting, let in-flight statements finish, close).

import { createServer, type Server, type Socket } from 'node:net';
import type { Database } from '../database.js';
import { Connection } from './connection.js';

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  readonly passwordMethod?: 'scram-sha-256' | 'password';
}

export class PgServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly db: Database, private readonly opts: ServerOptions) {
    this.server = createServer((socket) => this.accept(socket));
    this.server.maxConnections = 20_000;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    new Connection(socket, this.db, {
      passwordMethod: this.opts.passwordMethod ?? 'scram-sha-256',
      onCancelRequest: (pid, secret) => {
        const s = this.db.sessions.get(pid);
        if (s && s.secret === secret) s.cancel();
      },
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : this.opts.port);
      });
    });
  }

  /** Stop accepting; give open connections `graceMs` to finish, then close them. */
  async close(graceMs = 5000): Promise<void> {
    await new Promise<void>((r) => {
      this.server.close(() => r());
      const deadline = setTimeout(() => { for (const s of this.sockets) s.destroy(); }, graceMs);
      deadline.unref();
      for (const s of this.sockets) s.end();
    });
  }
}
