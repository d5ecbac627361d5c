/**
 * What the bench's sshd did during a measured loop, read from outside (Linux; `undefined` elsewhere):
 *
 * - CPU: utime + stime + cutime + cstime of the listening sshd and every process below it (per-connection
 *   sshd processes and the shells they run), from /proc/PID/stat. A process that exited and was reaped
 *   inside the tree has its CPU in its parent's cutime/cstime, so the sum over the live tree covers
 *   everything the tree ever ran, and its difference over the loop is the server's CPU for the loop.
 *   Clock ticks of 10 ms (USER_HZ 100): coarse for short loops.
 * - Its log (LogLevel VERBOSE): sshd writes `no more sessions` for each channel it refuses (MaxSessions)
 *   and `Accepted publickey` for each connection it lets in.
 */
import { openSync, readFileSync, readSync, readdirSync, closeSync, statSync } from 'node:fs';
import type { ServerInfo } from '../child/protocol.js';

const USER_HZ = 100;

export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly ticks: number;
}

/** Parses /proc/PID/stat: fields after the parenthesised comm (which may hold spaces). */
export function parseProcStat(pid: number, text: string): ProcStat | undefined {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the state (field 3); utime..cstime are fields 14..17.
  const ppid = Number(fields[1]);
  const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  return Number.isFinite(ppid) && Number.isFinite(ticks) ? { pid, ppid, ticks } : undefined;
}

/** Every process's pid, parent and CPU ticks, from /proc. */
export function readStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(Number(entry), readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat !== undefined) stats.push(stat);
    } catch {
      // exited while we looked
    }
  }
  return stats;
}

/** CPU ticks of `rootPid` and its descendants (exported for the tests, which pass their own stats). */
export function treeTicks(rootPid: number, stats: readonly ProcStat[]): number | undefined {
  const root = stats.find((stat) => stat.pid === rootPid);
  if (root === undefined) return undefined;
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  let ticks = 0;
  const queue = [root];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    ticks += next.ticks;
    queue.push(...(children.get(next.pid) ?? []));
  }
  return ticks;
}

/** CPU µs the sshd tree has used so far, or undefined when /proc or the pid is not there. */
export function serverCpuMicros(pid: number): number | undefined {
  try {
    const ticks = treeTicks(pid, readStats());
    return ticks === undefined ? undefined : (ticks * 1_000_000) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** The size of a server's log now (undefined: unreadable), to read what it adds from there with logSince. */
export const logSize = (path: string): number | undefined => {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
};

/** What the log at `path` holds past `offset` (undefined: unreadable). */
export function logSince(path: string, offset: number): string | undefined {
  try {
    const size = statSync(path).size;
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, offset);
    } finally {
      closeSync(fd);
    }
    return buffer.toString('utf8');
  } catch {
    return undefined;
  }
}

const countLines = (text: string, pattern: RegExp): number => text.split('\n').filter((line) => pattern.test(line)).length;

export interface ServerFigures {
  readonly serverCpuMicros?: number | undefined;
  readonly refusedChannels?: number | undefined;
  readonly serverConnections?: number | undefined;
}

/** Marks the server now; the returned function gives what it did since. */
export function watchServer(server: ServerInfo | undefined): () => ServerFigures {
  if (server === undefined) return () => ({});
  const cpuBefore = serverCpuMicros(server.pid);
  const logOffset = logSize(server.logPath);
  return () => {
    const cpuAfter = serverCpuMicros(server.pid);
    const log = logOffset === undefined ? undefined : logSince(server.logPath, logOffset);
    return {
      serverCpuMicros: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
      refusedChannels: log === undefined ? undefined : countLines(log, /no more sessions/),
      serverConnections: log === undefined ? undefined : countLines(log, /Accepted publickey/),
    };
  };
}
