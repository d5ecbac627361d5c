/**
 * What the conformance cases check on the host itself. Every transport's host is this machine (local, or
 * the harness sshd on 127.0.0.1), so a pid a command prints can be looked up in /proc here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isAlive, waitUntilGone } from '@rexec/testing';

let counter = 0;

/**
 * A `sleep` argument no other process on the machine has: `31<pid of this test process>.<counter>` seconds
 * (GNU sleep takes fractions). Long enough to outlive any test, so only a kill can end it.
 */
export function uniqueSleepArgument(): string {
  counter += 1;
  return `31${process.pid}.${String(counter).padStart(4, '0')}`;
}

/** The argv of `pid`, or undefined when it is gone. */
export function argvOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return undefined;
  }
}

/** Live processes (not zombies) whose argv holds `argument`. */
export async function processesWith(argument: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && argvOf(pid)?.includes(argument) === true && (await isAlive(pid))) found.push(pid);
  }
  return found;
}

/** Waits (bounded) until `pid` runs `sleep argument`: the shell that printed the pid may not have exec'd yet. */
export async function isSleeping(pid: number, argument: string, deadlineMs = 3000): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const argv = argvOf(pid);
    if (argv?.[0]?.endsWith('sleep') === true && argv[1] === argument) return true;
    if (argv === undefined || Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** After a command was ended: true when none of `pids` and no process holding one of `arguments` is left. */
export async function nothingLeft(pids: readonly number[], arguments_: readonly string[]): Promise<boolean> {
  if ((await waitUntilGone(pids)).length > 0) return false;
  for (const argument of arguments_) if ((await processesWith(argument)).length > 0) return false;
  return true;
}

/** Ends whatever a failed case left running (processes holding one of `arguments`), so no test leaks a sleep. */
export async function killLeftovers(arguments_: readonly string[]): Promise<void> {
  for (const argument of arguments_) {
    for (const pid of await processesWith(argument)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * The sshd processes serving the session `pid` runs in: its ancestors below the harness's listening sshd
 * `listener` (the per-connection monitor and its unprivileged child). Throws when `pid` is not in a session
 * of that sshd, so a case can never signal anything else.
 */
export function sessionSshdOf(pid: number, listener: number): number[] {
  const between: number[] = [];
  for (let current = parentOf(pid); current !== undefined && current > 1; current = parentOf(current)) {
    if (current === listener) return between.filter((ancestor) => argvOf(ancestor)?.[0]?.startsWith('sshd') === true);
    between.push(current);
  }
  throw new Error(`process ${pid} does not run under the harness sshd (pid ${listener})`);
}
