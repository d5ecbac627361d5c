/**
 * Loads `$` from the built `@rexec/core` (its `dist`), and describes the part of `$.ssh` the bench
 * uses. A missing build, or a build without `$.ssh` yet, makes the rexec peers "not available".
 */
import type { TargetInfo } from '../child/protocol.js';
import { PeerUnavailableError } from './peer.js';

/** A command of the tag: a promise of its output, with stdin settable before it starts. */
export interface RemoteCommand extends PromiseLike<{ readonly stdout: string }> {
  stdin(input: string): RemoteCommand;
}

/** The slice of a `$.ssh(...)` handle the bench drives (docs/ssh.md). */
export interface RemoteTag {
  (strings: TemplateStringsArray, ...values: unknown[]): RemoteCommand;
  cd(dir: string): RemoteTag;
  nothrow(): RemoteTag;
  timeout(ms: number): RemoteTag;
  warmPool(n: number): Promise<unknown>;
  closePool(): Promise<unknown>;
}

type SshFactory = (target: Record<string, unknown>, options?: Record<string, unknown>) => RemoteTag;

/** Imports `@rexec/core` and returns `$.ssh`, or throws `PeerUnavailableError` saying what is missing. */
export async function loadRexecSsh(): Promise<SshFactory> {
  let core: Record<string, unknown>;
  try {
    core = await import('@rexec/core');
  } catch (error) {
    throw new PeerUnavailableError(`@rexec/core could not be imported (run pnpm --filter @rexec/core build): ${String(error)}`);
  }
  const tag = core['$'] as { ssh?: unknown } | undefined;
  if (tag === undefined || typeof tag.ssh !== 'function') {
    throw new PeerUnavailableError('@rexec/core has no $.ssh yet');
  }
  const ssh = tag.ssh as SshFactory;
  return (target, options) => ssh.call(tag, target, options);
}

/** The `$.ssh` target options for one bench host: strict host-key checking against the bench's known_hosts. */
export const rexecTarget = (target: TargetInfo): Record<string, unknown> => ({
  host: target.host,
  port: target.port,
  username: target.username,
  privateKey: target.privateKeyPath,
  knownHosts: target.knownHostsPath,
});
