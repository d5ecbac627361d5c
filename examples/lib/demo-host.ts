/**
 * Where the examples run their remote commands.
 * - `REXEC_DEMO_TARGET=user@host[:port]` (with your own ~/.ssh set-up): that host.
 * - otherwise: an SSH host started here on 127.0.0.1 with throwaway keys (OpenSSH `sshd` when
 *   installed, else an embedded ssh2 server), stopped again when the example ends.
 */
import { loginOptionsOf, startSshHost, type SshHost } from '@rexec/testing';
import type { SshTargetOptions } from '@rexec/core';

export interface DemoTarget {
  /** What to pass to `$.ssh(...)`. */
  readonly target: string | SshTargetOptions;
  /** Human-readable description, e.g. `embedded OpenSSH sshd on 127.0.0.1:40123`. */
  readonly description: string;
  /** Stops what was started for the example; a no-op for a user-given host. */
  readonly stop: () => Promise<void>;
}

export async function openDemoTarget(env: NodeJS.ProcessEnv = process.env): Promise<DemoTarget> {
  const given = env['REXEC_DEMO_TARGET'];
  if (given !== undefined && given.trim() !== '') {
    return { target: given.trim(), description: `${given.trim()} (from REXEC_DEMO_TARGET)`, stop: async () => {} };
  }
  const host: SshHost = await startSshHost();
  const kind = host.kind === 'openssh' ? 'OpenSSH sshd' : 'embedded ssh2 server (no sshd installed)';
  return {
    target: loginOptionsOf(host),
    description: `${kind} on ${host.host}:${host.port}, started for this run`,
    stop: () => host.stop(),
  };
}

/** Runs `body` against the demo target and always stops what was started, even when `body` throws. */
export async function withDemoTarget(body: (demo: DemoTarget) => Promise<void>): Promise<void> {
  const demo = await openDemoTarget();
  try {
    await body(demo);
  } finally {
    await demo.stop();
  }
}
