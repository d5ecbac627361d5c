/**
 * Helpers for the fault tests ("faults that heal fast"): outcomes with their timing, bounded waits, and a
 * remote `sleep` the test can end itself (a fault that silences or kills sshd can leave it orphaned).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { knownHostsFor, startFaultProxy, type FaultProxy, type SshHostInfo } from '@rexec/testing';
import { onTestFinished } from 'vitest';
import type { SshOptions } from '../../src/ssh/options/ssh-options.js';
import { targetOf } from '../ssh-pool/support.js';

/** How a command (or any promise) ended, and how long after `started` it did. */
export interface Outcome {
  readonly ok: boolean;
  readonly value: unknown;
  readonly error: unknown;
  /** Ms from `started` (performance.now()) to the settlement. */
  readonly ms: number;
}

/** Awaits `promise` (never rejects) and says how it ended, `ms` after `started`. */
export async function outcomeOf(promise: PromiseLike<unknown>, started = performance.now()): Promise<Outcome> {
  try {
    const value = await promise;
    return { ok: true, value, error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { ok: false, value: undefined, error, ms: performance.now() - started };
  }
}

/** Polls `condition` every `interval` ms for at most `ms`; returns its last answer. */
export async function waitFor(condition: () => boolean, ms: number, interval = 10): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!condition() && performance.now() < deadline) await sleep(interval);
  return condition();
}

/** A fault proxy in front of `host`, closed when the test finishes, and `$.ssh` options that go through it. */
export async function proxied(host: SshHostInfo, extra: SshOptions = {}): Promise<{ proxy: FaultProxy; target: SshOptions }> {
  const proxy = await startFaultProxy({ targetHost: host.host, targetPort: host.port });
  onTestFinished(() => proxy.close());
  const knownHosts = await knownHostsFor(host, proxy.port);
  return { proxy, target: targetOf(host, { port: proxy.port, knownHosts, ...extra }) };
}

/**
 * A remote `sleep` that writes its pid to a file in `dir` first, so the test knows it runs and can kill it
 * when it finishes (a frozen or killed connection never delivers the kill).
 */
export function trackedSleep(dir: string, name: string, seconds: number): { command: string; started: () => boolean } {
  const pidFile = join(dir, `${name}.pid`);
  const kill = (): void => {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    } catch {
      // never started, or already gone
    }
  };
  onTestFinished(kill);
  return {
    // `$$` is the remote shell, which `exec` turns into the sleep: the pid in the file is the command's.
    command: `echo $$ > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}; exec sleep ${seconds}`,
    started: () => existsSync(pidFile),
  };
}

/** The message of an error and of its causes, joined: where the reason of a wrapped failure shows. */
export function messagesOf(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.message : typeof current === 'string' ? current : JSON.stringify(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' <- ');
}

/** Prints a test's measurements when REXEC_FAULT_TIMINGS=1 (to see the margins on a given machine). */
export function note(what: string, values: Record<string, unknown>): void {
  if (process.env.REXEC_FAULT_TIMINGS === '1') console.log(`[faults] ${what}: ${JSON.stringify(values)}`);
}
