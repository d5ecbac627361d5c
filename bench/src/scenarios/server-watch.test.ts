import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcStat, serverCpuMicros, treeTicks, watchServer } from './server-watch.js';

const stat = (pid: number, comm: string, ppid: number, [utime, stime, cutime, cstime]: number[]): string =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 1 0 100 1000 100`;

describe('server-watch', () => {
  it('parses /proc stat lines, also with spaces and parentheses in the name', () => {
    expect(parseProcStat(7, stat(7, 'sshd: root [priv] (x)', 1, [1, 2, 3, 4]))).toEqual({ pid: 7, ppid: 1, ticks: 10 });
  });

  it('sums the ticks of a process and everything below it, not its siblings', () => {
    const stats = [
      { pid: 10, ppid: 1, ticks: 5 },
      { pid: 11, ppid: 10, ticks: 3 },
      { pid: 12, ppid: 11, ticks: 2 },
      { pid: 13, ppid: 1, ticks: 100 },
    ];
    expect(treeTicks(10, stats)).toBe(10);
    expect(treeTicks(99, stats)).toBeUndefined();
  });

  it('reads this process tree from /proc and counts refusals and connections in the log since the mark', () => {
    expect(serverCpuMicros(process.pid)).toBeGreaterThanOrEqual(0);
    const dir = mkdtempSync(join(tmpdir(), 'server-watch-'));
    try {
      const logPath = join(dir, 'sshd.log');
      writeFileSync(logPath, 'no more sessions\r\n');
      const since = watchServer({ pid: process.pid, logPath });
      appendFileSync(logPath, 'Accepted publickey for root\r\nno more sessions\r\nStarting session\r\nno more sessions\r\n');
      expect(since()).toMatchObject({ refusedChannels: 2, serverConnections: 1 });
      expect(since().serverCpuMicros).toBeGreaterThanOrEqual(0);
      expect(watchServer(undefined)()).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
