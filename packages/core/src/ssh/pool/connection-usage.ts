/**
 * Per-connection bookkeeping of one SSH pool: how often and when each connection was used.
 * (Keeping the process alive is the connection's business: its socket is ref'd only while a channel
 * is open, so a script that never calls `closePool()` still exits once its last command settles.)
 */
import type { SshConnection } from '../connection/ssh-connection.js';
import type { SshConnectionStats } from './ssh-pool-types.js';

interface Usage {
  useCount: number;
  lastUsedAt: number;
}

export interface ConnectionUsage {
  /** A command starts on `conn`. */
  record(conn: SshConnection): void;
  /** `id` is the pool's id of the connection (as in its events). */
  stats(conn: SshConnection, id: string): SshConnectionStats;
}

export function createConnectionUsage(now: () => number = Date.now): ConnectionUsage {
  const usage = new WeakMap<SshConnection, Usage>();
  const of = (conn: SshConnection): Usage => {
    let found = usage.get(conn);
    if (found === undefined) usage.set(conn, (found = { useCount: 0, lastUsedAt: conn.createdAt }));
    return found;
  };
  return {
    record(conn) {
      const entry = of(conn);
      entry.useCount++;
      entry.lastUsedAt = now();
    },
    stats(conn, id) {
      const entry = of(conn);
      return {
        id,
        target: conn.target,
        createdAt: conn.createdAt,
        lastUsedAt: entry.lastUsedAt,
        useCount: entry.useCount,
        channelCount: conn.openChannels,
        isHealthy: conn.isOpen,
        uptime: Math.max(0, now() - conn.createdAt),
      };
    },
  };
}
