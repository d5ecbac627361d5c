/**
 * The Adapter contract (packages/adapters/src/contract.ts) over a pooled SSH target: each command runs
 * on a channel of a pooled connection. Results come back as the connection layer reports them (exit
 * code, signal, timeout, abort); a lost transport rejects with `ConnectionError`.
 */
import type { Adapter, ExecResult, ExecSpec } from '@rexec/adapters';
import type { SshPool } from './ssh-pool.js';

export interface SshAdapter extends Adapter {
  /** The pool the commands run on. */
  readonly pool: SshPool;
}

export function createSshAdapter(pool: SshPool): SshAdapter {
  return Object.freeze({
    target: pool.target,
    pool,
    exec: (spec: ExecSpec): Promise<ExecResult> => pool.run(spec),
    /** Closes the pool (shared by every `$.ssh(...)` of this identity and these pool options). */
    dispose: (): Promise<void> => pool.closePool(),
  });
}
