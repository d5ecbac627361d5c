import { descendantsOf, waitUntilGone } from '../processes.js';

export type KillSignal = 'SIGKILL' | 'SIGTERM';

const FREEZE_ROUNDS = 20;
const GRACE = 3000;

function send(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // gone
  }
}

/**
 * Ends sshd's per-connection processes and everything they run, and with `listener` sshd itself. They
 * are found as descendants of the listening sshd: each connection's sshd calls setsid(), so a signal
 * to the listener's process group misses them. The tree is first frozen with SIGSTOP (the listener
 * first, then what it forked, until a look finds nothing new; a process with a signal pending cannot
 * complete a fork), so a client connecting meanwhile cannot slip a new session past the kill. Then
 * `signal` goes to each, SIGCONT to all (a stopped process acts on SIGTERM only once continued), and
 * after a grace period SIGKILL to what is left. Resolves when they are gone; throws if some survive.
 */
export async function killSshdTree(sshdPid: number, signal: KillSignal, listener: boolean): Promise<void> {
  const stopped = new Set<number>();
  for (let round = 0; round < FREEZE_ROUNDS; round++) {
    const tree = [sshdPid, ...(await descendantsOf(sshdPid))].filter((pid) => !stopped.has(pid));
    if (tree.length === 0) break;
    for (const pid of tree) if (send(pid, 'SIGSTOP')) stopped.add(pid);
  }
  const victims = [...stopped].filter((pid) => listener || pid !== sshdPid);
  for (const pid of victims) send(pid, signal);
  for (const pid of stopped) send(pid, 'SIGCONT');
  let left = await waitUntilGone(victims, GRACE);
  if (left.length > 0) {
    for (const pid of left) send(pid, 'SIGKILL');
    left = await waitUntilGone(left, GRACE);
  }
  if (left.length > 0) throw new Error(`sshd processes still alive after ${signal} and SIGKILL: ${left.join(', ')}`);
}
