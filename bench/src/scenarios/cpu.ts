/**
 * CPU used by this process, and by the child processes it has reaped (the `ssh` clients the
 * ControlMaster adapter spawns). Children's CPU comes from /proc/self/stat (Linux; 0 elsewhere),
 * in clock ticks of 10 ms (USER_HZ is 100 on Linux), so it is coarse for short loops.
 */
import { readFileSync } from 'node:fs';

const USER_HZ = 100;

export interface CpuMark {
  readonly self: NodeJS.CpuUsage;
  readonly childrenMicros: number;
}

export function reapedChildrenCpuMicros(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the parenthesised command name; cutime and cstime are fields 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cutime = Number(fields[13]);
    const cstime = Number(fields[14]);
    return Number.isFinite(cutime + cstime) ? ((cutime + cstime) * 1_000_000) / USER_HZ : 0;
  } catch {
    return 0;
  }
}

export const markCpu = (): CpuMark => ({ self: process.cpuUsage(), childrenMicros: reapedChildrenCpuMicros() });

/** CPU µs since `mark`: `total` is this process plus reaped children, `children` the latter alone. */
export function cpuSince(mark: CpuMark): { total: number; children: number } {
  const self = process.cpuUsage(mark.self);
  const children = reapedChildrenCpuMicros() - mark.childrenMicros;
  return { total: self.user + self.system + children, children };
}
