/**
 * Runs one fleet client as a child process and measures it from outside (Linux /proc):
 *
 * - client CPU: the CPU of the child and every process below it that was waited for (pdsh's, xargs' and
 *   Ansible's ssh processes), read as this process's cutime + cstime before and after the child was reaped
 *   (10 ms ticks; the bench's parent spawns nothing else meanwhile);
 * - peak memory: the resident set of the child's whole tree, summed, sampled every 100 ms;
 * - sshd: CPU of every sshd's process tree (listener, per-connection processes, the shells they ran), from
 *   /proc, and the handshakes they dropped (their logs);
 * - a time limit: the child runs in its own process group, killed whole (SIGKILL) at the limit, and
 *   anything of that group still alive when it exits is killed too.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import type { ServerInfo } from '../child/protocol.js';
import { reapedChildrenCpuMicros } from '../scenarios/cpu.js';
import { logSince, logSize, readStats, treeTicks } from '../scenarios/server-watch.js';
import { countDroppedHandshakes } from './fleet-output.js';

const USER_HZ = 100;
const PAGE_BYTES = 4096;
const OUTPUT_LIMIT = 4 * 1024 * 1024;
const SAMPLE_MS = 100;

export interface MeasuredRun {
  readonly status: 'ok' | 'crashed' | 'hung';
  readonly reason?: string | undefined;
  readonly exitCode: number | null;
  readonly wallMs: number;
  /** CPU of the child's whole tree (reaped), ms. */
  readonly treeCpuMs: number;
  /** Largest sampled sum of the tree's RSS, KiB. */
  readonly peakTreeRssKiB: number;
  readonly stdout: string;
  readonly stderr: string;
  /** CPU of the sshd trees over the run, ms (undefined: /proc unreadable). */
  readonly sshdCpuMs: number | undefined;
  /** Handshakes the sshds dropped over the run (past MaxStartups), from their logs. */
  readonly droppedHandshakes: number | undefined;
}

export interface RunSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly servers: readonly ServerInfo[];
}

/** CPU µs of every server's tree, and how many processes are below the listeners (live sessions). */
export function sshdSnapshot(servers: readonly ServerInfo[]): { cpuMicros: number | undefined; sessions: number } {
  try {
    const stats = readStats();
    let ticks = 0;
    let sessions = 0;
    for (const { pid } of servers) {
      const tree = treeTicks(pid, stats);
      if (tree === undefined) return { cpuMicros: undefined, sessions: 0 };
      ticks += tree;
      sessions += stats.filter((stat) => stat.ppid === pid).length;
    }
    return { cpuMicros: (ticks * 1_000_000) / USER_HZ, sessions };
  } catch {
    return { cpuMicros: undefined, sessions: 0 };
  }
}

/**
 * Waits (at most `limitMs`) until no sshd has a session process left, so that the CPU of the sessions a
 * client just closed is in the listeners' figures, and the next client starts on a quiet server.
 */
export async function waitForQuietServers(servers: readonly ServerInfo[], limitMs = 3_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline && sshdSnapshot(servers).sessions > 0) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The pids of `root` and its descendants (each process's children, from /proc/PID/task/*\/children). */
function treePids(root: number): number[] {
  const pids: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined && pids.length < 10_000; pid = queue.shift()) {
    pids.push(pid);
    try {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
        if (text !== '') queue.push(...text.split(' ').map(Number));
      }
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

function treeRssKiB(root: number): number {
  let pages = 0;
  for (const pid of treePids(root)) {
    try {
      pages += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1] ?? 0);
    } catch {
      // exited while we looked
    }
  }
  return (pages * PAGE_BYTES) / 1024;
}

const killGroup = (pid: number | undefined): void => {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
};

export async function runMeasured(spec: RunSpec): Promise<MeasuredRun> {
  await waitForQuietServers(spec.servers);
  const logOffsets = spec.servers.map((server) => logSize(server.logPath) ?? 0);
  const sshdBefore = sshdSnapshot(spec.servers).cpuMicros;
  const cpuBefore = reapedChildrenCpuMicros();
  const started = performance.now();
  const child = spawn(spec.file, [...spec.args], { env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (stdout.length < OUTPUT_LIMIT) stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < OUTPUT_LIMIT) stderr += chunk;
  });
  let peak = 0;
  const sampler = setInterval(() => {
    if (child.pid !== undefined) peak = Math.max(peak, treeRssKiB(child.pid));
  }, SAMPLE_MS);
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    killGroup(child.pid);
  }, spec.timeoutMs);
  const { code, error } = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (e) => resolve({ code: null, error: e }));
    child.once('close', (exitCode) => resolve({ code: exitCode }));
  });
  clearTimeout(timer);
  clearInterval(sampler);
  const wallMs = performance.now() - started;
  // Whatever the client left behind in its group (a stray ssh) goes now, before it is counted.
  killGroup(child.pid);
  const treeCpuMs = (reapedChildrenCpuMicros() - cpuBefore) / 1000;
  await waitForQuietServers(spec.servers);
  const sshdAfter = sshdSnapshot(spec.servers).cpuMicros;
  const dropped = spec.servers.reduce((sum, server, i) => sum + countDroppedHandshakes(logSince(server.logPath, logOffsets[i] ?? 0) ?? ''), 0);
  const status = error !== undefined ? 'crashed' : hung ? 'hung' : 'ok';
  const reason = error !== undefined ? `could not start: ${error.message}` : hung ? `no exit after ${spec.timeoutMs} ms; killed` : undefined;
  return {
    status,
    reason,
    exitCode: code,
    wallMs,
    treeCpuMs,
    peakTreeRssKiB: peak,
    stdout,
    stderr,
    sshdCpuMs: sshdBefore === undefined || sshdAfter === undefined ? undefined : (sshdAfter - sshdBefore) / 1000,
    droppedHandshakes: dropped,
  };
}
