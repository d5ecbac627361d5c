import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const GRACE = 3000;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Ends a detached child and its process group: SIGTERM, then SIGKILL after a grace period. Idempotent. */
export async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup(child, 'SIGKILL'); // leftovers in the group, if any
    return;
  }
  const exited = once(child, 'exit').then(() => true);
  signalGroup(child, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), GRACE);
    timer.unref();
  });
  const clean = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  signalGroup(child, 'SIGKILL');
  if (!clean) await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, GRACE).unref())]);
}
