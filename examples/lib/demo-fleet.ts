/**
 * Where the host-group examples run.
 * - `REXEC_DEMO_FLEET=user@web1,user@web2,…` (with your own ~/.ssh set-up): those hosts.
 * - otherwise: N SSH hosts started here, as cheaply as possible: one OpenSSH sshd listening on 127.0.0.1 …
 *   127.0.0.N (every 127.x address is this machine), throwaway keys; stopped again when the example ends.
 */
import { startSshHosts } from '@rexec/testing';
import type { SshTargetOptions } from '@rexec/core';

export interface DemoFleet {
  /** What to pass to `$.ssh.group(...)`. */
  readonly targets: readonly (string | SshTargetOptions)[];
  readonly description: string;
  readonly stop: () => Promise<void>;
}

export async function openDemoFleet(n: number, env: NodeJS.ProcessEnv = process.env): Promise<DemoFleet> {
  const given = env['REXEC_DEMO_FLEET']?.split(',').map((target) => target.trim()).filter((target) => target !== '');
  if (given !== undefined && given.length > 0) return { targets: given, description: `${given.length} hosts from REXEC_DEMO_FLEET`, stop: async () => {} };
  const set = await startSshHosts(n);
  const kind = set.kind === 'openssh' ? `${set.servers.length} OpenSSH sshd` : `${n} embedded ssh2 servers (no sshd installed)`;
  return { targets: set.hosts, description: `${n} hosts on 127.0.0.x served by ${kind}, started for this run`, stop: () => set.stop() };
}

/** Runs `body` against the demo fleet and always stops what was started, even when `body` throws. */
export async function withDemoFleet(n: number, body: (fleet: DemoFleet) => Promise<void>): Promise<void> {
  const fleet = await openDemoFleet(n);
  try {
    await body(fleet);
  } finally {
    await fleet.stop();
  }
}
