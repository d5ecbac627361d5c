/**
 * Process checks for kill tests, read from /proc (Linux): whether a pid is alive, which processes a
 * process group still holds, and bounded waits for them to be gone. Tests use these to prove that a
 * timeout or abort really ended a command and everything it started.
 */
import { readdir, readFile } from 'node:fs/promises';

/** The fields after `comm` in /proc/PID/stat ("state ppid pgrp ..."); comm may hold spaces, so parse after the last ')'. */
async function statFields(pid: number | string): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone (or exited while we looked)
  }
}

/** True while `pid` exists and is not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  const fields = await statFields(pid);
  return fields !== undefined && fields[0] !== 'Z';
}

/** Live (non-zombie) processes whose process group is `pgid`. */
export async function liveProcessesInGroup(pgid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = await statFields(entry);
    if (fields !== undefined && fields[0] !== 'Z' && Number(fields[2]) === pgid) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Live (non-zombie) descendants of `pid` (children, their children, ...), read from one scan of /proc.
 * A process that left the tree (its parent died and it was reparented) is not found.
 */
export async function descendantsOf(pid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = await statFields(entry);
    if (fields === undefined || fields[0] === 'Z') continue;
    const parent = Number(fields[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    found.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return found;
}

/** Polls `look` every 50 ms until it finds nothing or `deadlineMs` passed; returns what it found last. */
async function pollUntilEmpty(look: () => Promise<number[]>, deadlineMs: number): Promise<number[]> {
  const until = Date.now() + deadlineMs;
  let left = await look();
  while (left.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = await look();
  }
  return left;
}

/** Waits (bounded) until no live process is left in the group; returns what is left at the end. */
export function waitForEmptyGroup(pgid: number, deadlineMs = 5000): Promise<number[]> {
  return pollUntilEmpty(() => liveProcessesInGroup(pgid), deadlineMs);
}

/** Waits (bounded) until none of `pids` is alive; returns those still alive at the deadline. */
export function waitUntilGone(pids: readonly number[], deadlineMs = 5000): Promise<number[]> {
  return pollUntilEmpty(async () => {
    const alive: number[] = [];
    for (const pid of pids) if (await isAlive(pid)) alive.push(pid);
    return alive;
  }, deadlineMs);
}
