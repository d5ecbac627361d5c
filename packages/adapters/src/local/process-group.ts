/**
 * Killing a whole process tree. Every local command is spawned `detached`, so its shell leads a new
 * process group (pgid = its pid) and everything it starts, backgrounded or not, joins that group.
 * Signalling `-pid` reaches all of them, which signalling the shell alone would not.
 */
import type { KillReason } from '../output/command-streams.js';

function isErrno(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}

/** Sends `signal` to every process in the group led by `pid`. False when the group is already gone. */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    // ESRCH: nothing left in the group. EPERM: what is left is not ours to signal (e.g. setuid).
    if (isErrno(error, 'ESRCH', 'EPERM')) return false;
    throw error;
  }
}

export interface TreeKiller {
  /** Why the tree was first killed, or null when it never was. */
  readonly reason: KillReason | null;
  /** Sends `signal` (default: the kill signal) to the group (first call only), then SIGKILL after the grace delay. */
  kill(reason: KillReason, signal?: NodeJS.Signals): void;
  /** Stops the grace timer; when the tree was killed, sends a last SIGKILL to any straggler in the group. */
  dispose(): void;
}

export interface TreeKillerOptions {
  readonly pid: number;
  readonly killSignal: NodeJS.Signals;
  readonly forceKillAfterDelay: number;
}

export function createTreeKiller({ pid, killSignal, forceKillAfterDelay }: TreeKillerOptions): TreeKiller {
  let reason: KillReason | null = null;
  let forceTimer: NodeJS.Timeout | undefined;
  let disposed = false;
  return {
    get reason() {
      return reason;
    },
    kill(why, signal = killSignal) {
      if (reason !== null || disposed) return;
      reason = why;
      signalProcessGroup(pid, signal);
      if (signal !== 'SIGKILL') {
        forceTimer = setTimeout(() => signalProcessGroup(pid, 'SIGKILL'), forceKillAfterDelay);
        forceTimer.unref();
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      clearTimeout(forceTimer);
      if (reason !== null) signalProcessGroup(pid, 'SIGKILL');
    },
  };
}
