/**
 * A connection as users see it when they borrow one (`acquire()`) or validate one (`validator`):
 * `exec(command)` gives a `ProcessOutput` (rejecting on failure unless `nothrow`), plus id, stats and
 * the ssh2 client. Its inspect output shows the id and target only: never the client and its config.
 */
import { inspect } from 'node:util';
import type { Client } from 'ssh2';
import { ConnectionError } from '@rexec/adapters';
import { ProcessOutput } from '../../command/process-output.js';
import { isChannelRefusedError } from '../connection/channel-refused-error.js';
import type { SshConnection } from '../connection/ssh-connection.js';
import type { ConnectionUsage } from './connection-usage.js';
import { failureOf } from './exec-failure.js';
import { borrowedChannelRefusedMessage } from './ssh-pool-messages.js';
import type { PooledSshConnection, SshConnectionStats, SshExecOptions } from './ssh-pool-types.js';

/** `id` is the pool's id of the connection, as in its events. */
export function createPooledConnection(conn: SshConnection, id: string, usage: ConnectionUsage): PooledSshConnection {
  const pooled: PooledSshConnection = {
    id,
    target: conn.target,
    get client(): Client {
      return conn.client;
    },
    async exec(command: string, options: SshExecOptions = {}): Promise<ProcessOutput> {
      if (typeof command !== 'string') throw new TypeError(`conn.exec(command): command must be a string, got ${typeof command}`);
      usage.record(conn);
      const result = await conn
        .exec({ command, cwd: options.cwd, env: options.env, stdin: options.stdin, timeout: options.timeout, signal: options.signal })
        .catch((error: unknown) => {
          // The connection layer's refusal is internal (the tag waits for a free channel instead); a borrower
          // who runs more commands at once than sshd's MaxSessions gets a public, retryable ConnectionError.
          if (!isChannelRefusedError(error)) throw error;
          throw new ConnectionError(borrowedChannelRefusedMessage(conn.target), conn.target, { cause: error });
        });
      const output = ProcessOutput.from(result, { command, target: conn.target });
      const failure = options.nothrow === true ? undefined : failureOf(output, options.timeout);
      if (failure !== undefined) throw failure;
      return output;
    },
    isHealthy(): boolean {
      return conn.isOpen;
    },
    getStats(): SshConnectionStats {
      return usage.stats(conn, id);
    },
  };
  Object.defineProperty(pooled, 'client', { enumerable: false });
  Object.defineProperty(pooled, inspect.custom, {
    enumerable: false,
    value: () => `PooledSshConnection { id: ${JSON.stringify(id)}, target: ${JSON.stringify(conn.target)} }`,
  });
  return Object.freeze(pooled);
}
