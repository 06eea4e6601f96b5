// The PostgreSQL-wire TCP server: accepts connections, routes CancelRequests to the session they
// name, and shuts down gracefully (stop accepting, let in-flight statements finish, close).

import { createServer, type Server, type Socket } from 'node:net';
import type { Database } from '../database.js';
import { Connection } from './connection.js';

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  readonly passwordMethod?: 'scram-sha-256' | 'password';
  /** Largest Query/Parse/Bind/CopyData message accepted, in bytes (default 256 MB). */
  readonly maxMessageBytes?: number;
  /** Time a new connection has to authenticate, in ms (default 60 s; 0 disables). */
  readonly authenticationTimeoutMs?: number;
}

export class PgServer {
  private readonly server: Server;
  private readonly connections = new Map<Socket, Connection>();

  constructor(private readonly db: Database, private readonly opts: ServerOptions) {
    this.server = createServer((socket) => this.accept(socket));
    this.server.maxConnections = 20_000;
  }

  /** Open client connections (including ones still authenticating). */
  get connectionCount(): number { return this.connections.size; }

  private accept(socket: Socket): void {
    const conn = new Connection(socket, this.db, {
      passwordMethod: this.opts.passwordMethod ?? 'scram-sha-256',
      maxMessageBytes: this.opts.maxMessageBytes,
      authenticationTimeoutMs: this.opts.authenticationTimeoutMs,
      onCancelRequest: (pid, secret) => {
        const s = this.db.sessions.get(pid);
        if (s && s.secret === secret) s.cancel();
      },
    });
    this.connections.set(socket, conn);
    socket.on('close', () => this.connections.delete(socket));
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

  /**
   * Graceful shutdown: stop accepting connections, end idle sessions with FATAL 57P01 at once,
   * let commands in progress run for up to `graceMs`, then cancel them (their sessions get the
   * same FATAL) and, after one more second, drop whatever is still open.
   */
  async close(graceMs = 5000): Promise<void> {
    const listenerClosed = new Promise<void>((r) => this.server.close(() => r()));
    for (const c of this.connections.values()) c.shutdown();
    if (!(await this.allClosed(graceMs))) {
      for (const c of this.connections.values()) c.forceShutdown();
      if (!(await this.allClosed(1000))) for (const s of this.connections.keys()) s.destroy();
    }
    await listenerClosed;
  }

  /** Resolves true once every connection has closed, false if `ms` passes first. */
  private async allClosed(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.connections.size > 0) {
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }
}
