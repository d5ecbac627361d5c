/**
 * Helpers for the pooling tests against a real OpenSSH sshd (the run's shared host, or one of our own).
 */
import { execFileSync } from 'node:child_process';
import { loginOptionsOf, type SshHostInfo } from '@rexec/testing';
import type { SshOptions } from '../../src/ssh/options/ssh-options.js';
import type { PoolEventName, PoolEvents } from '../../src/pool/types.js';
import type { SshPoolHandle } from '../../src/ssh/pool/ssh-pool-types.js';

/** `$.ssh` options for a harness host: its key and its known_hosts. */
export function targetOf(host: SshHostInfo, extra: SshOptions = {}): SshOptions {
  return {
    ...loginOptionsOf(host),
    agent: false,
    ...extra,
  };
}

/** Records every payload of `event` on `handle`. */
export function record<E extends PoolEventName>(handle: SshPoolHandle, event: E): PoolEvents[E][] {
  const seen: PoolEvents[E][] = [];
  handle.on(event, (payload) => seen.push(payload));
  return seen;
}

/** Pids of the processes whose parent is `pid` (the per-connection sshd children of a host we started). */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((child) => Number.isInteger(child) && child > 0);
  } catch {
    return []; // ps exits 1 when there is none
  }
}
