/**
 * Helpers for the host-group tests: many hosts from one sshd (`startSshHosts`), their `$.ssh` options, and
 * bounded ways to count what a group did.
 */
import { createServer } from 'node:net';
import type { HostLogin, SshHostInfo } from '@rexec/testing';
import { loginOptionsOf } from '@rexec/testing';
import type { SshOptions } from '../../src/ssh/options/ssh-options.js';
import type { HostResult } from '../../src/ssh/group/group-types.js';

/** `$.ssh` options for one host of a host set (or a single test host): its key and known_hosts, no agent. */
export function loginOf(host: HostLogin | SshHostInfo, extra: SshOptions = {}): SshOptions {
  const login = 'privateKeyPath' in host ? loginOptionsOf(host) : host;
  return { ...login, agent: false, ...extra };
}

/** `user@host:port`, as results and errors name a host. */
export function targetName(host: HostLogin | SshHostInfo): string {
  return `${host.username}@${host.host}:${host.port}`;
}

/** How many of `targets` (result.target or record.target) name each host. */
export function countBy(targets: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const target of targets) counts.set(target, (counts.get(target) ?? 0) + 1);
  return counts;
}

/** A port on 127.0.0.1 that nothing listens on (a host that is down: connections are refused). */
export function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
    });
  });
}

/** Runs `count` jobs through `workers` loops (each awaits its job before taking the next). */
export async function workerLoop<T>(count: number, workers: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await job(i);
      }
    }),
  );
  return results;
}

/** The records in a short form for failure messages. */
export function summary(records: readonly HostResult[]): string {
  return records.map((r) => `${r.target}: ${r.ok ? 'ok' : (r.error?.message.split('\n')[0] ?? `exit ${r.result?.exitCode}`)}`).join('\n');
}
