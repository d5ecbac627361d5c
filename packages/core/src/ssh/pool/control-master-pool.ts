/**
 * The pool handle of a ControlMaster target: one OpenSSH master carries every command, so the "pool" is
 * that master. Stats describe it (total 1 once it runs; `controlMaster` carries its state); `closePool()`
 * ends it (`ssh -O exit`, socket removed); `drainPool()` first lets running commands finish. There is no
 * ssh2 `Client` to lend, so `acquire()` is refused, and the connection events are not emitted.
 */
import { ConfigError, PoolClosedError, type ControlMasterAdapter, type ExecResult, type ExecSpec } from '@rexec/adapters';
import { createSafeEmitter, eventMethods } from '../../pool/safe-emitter.js';
import type { PoolEvents } from '../../pool/types.js';
import type { SshPool } from './ssh-pool.js';
import type { PooledSshConnection, SshPoolHandle, SshPoolStats } from './ssh-pool-types.js';

function noBorrowing(target: string): ConfigError {
  return new ConfigError(
    `acquire()/release() need the ssh2 transport, but ${target} is a controlMaster target (commands run through the OpenSSH client, ` +
      'which has no ssh2 Client to lend); use the tag, or $.ssh without controlMaster',
    'controlMaster',
  );
}

export function createControlMasterPool(adapter: ControlMasterAdapter, onClosed: () => void): SshPool {
  const target = adapter.target;
  const events = createSafeEmitter<PoolEvents>(() => undefined);
  const running = new Set<Promise<unknown>>();
  let state: 'open' | 'draining' | 'closed' = 'open';
  let closing: Promise<void> | undefined;

  const run = (spec: ExecSpec): Promise<ExecResult> => {
    if (state !== 'open') return Promise.reject(new PoolClosedError(target));
    const result = adapter.exec(spec);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    running.add(settled);
    void settled.then(() => running.delete(settled));
    return result;
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      state = 'closed';
      await adapter.dispose();
      onClosed();
    })();
    return closing;
  };

  const handle: SshPoolHandle = {
    getPoolStats(): SshPoolStats {
      const master = adapter.stats();
      const up = master.state === 'ready' ? 1 : 0;
      const busy = master.running > 0 ? 1 : 0;
      return {
        active: busy * up, leases: master.running, idle: up - busy * up, waiting: 0, total: up, pending: master.state === 'starting' ? 1 : 0,
        validating: 0, closing: master.state === 'closing' ? 1 : 0, min: 0, max: 1,
        hits: Math.max(0, master.commands - master.starts), misses: master.starts,
        connectionsCreated: master.starts, connectionsDestroyed: master.state === 'closed' ? master.starts : master.restarts,
        totalAcquired: master.commands + master.running, totalReleased: master.commands, averageWaitTime: 0,
        utilizationRate: busy, healthChecksPassed: master.checks, healthCheckFailures: 0, circuit: 'closed',
        controlMaster: master,
      };
    },
    async warmPool(n: number): Promise<void> {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ConfigError(`warmPool(n): n must be a non-negative integer, got ${String(n)}`, 'n');
      if (n > 0) await run({ command: 'true' });
    },
    async drainPool(): Promise<void> {
      if (state === 'open') state = 'draining';
      while (running.size > 0) await Promise.all([...running]);
      await close();
    },
    closePool: close,
    acquire(): Promise<PooledSshConnection> {
      return Promise.reject(noBorrowing(target));
    },
    release(): Promise<void> {
      return Promise.reject(noBorrowing(target));
    },
    ...eventMethods<PoolEvents, SshPoolHandle>(events),
  };
  return { target, run, handle, drainPool: () => handle.drainPool(), closePool: close };
}
