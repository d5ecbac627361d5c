/**
 * The transfer child: loads one transfer peer and runs one workload `runs` times against one host
 * (bench/src/sections/transfer-section.ts starts it). The host is this machine, so what arrived is checked
 * on the file system directly: a run counts only when its result is right (a file's size each run and its
 * sha256 after the last; a tree's file count and bytes; the bytes the tunnel's far end counted), so a fast
 * wrong transfer cannot win.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TargetInfo } from '../child/protocol.js';
import type { TransferPeer } from '../peers/transfer-peer.js';
import { cpuSince, markCpu } from './cpu.js';
import type { Progress } from './progress.js';
import type { TrafficAnswer, TrafficRequest, TransferDirection, TransferFailure, TransferParams, TransferResult, TransferSample } from './transfer-types.js';

/** Asks the parent (which runs the tunnel's far end) to move bytes: child/parent-requests.ts. */
export type AskParent = (request: unknown, timeoutMs?: number) => Promise<unknown>;

export class RunHungError extends Error {
  override readonly name = 'RunHungError';
}

async function loadTransferPeer(name: string, target: TargetInfo, workDir: string): Promise<TransferPeer> {
  switch (name) {
    case 'rexec':
      return (await import('../peers/transfer-rexec.js')).default(target);
    case 'ssh2-sftp-client':
      return (await import('../peers/transfer-sftp-client.js')).default(target);
    case 'node-ssh':
      return (await import('../peers/transfer-node-ssh.js')).default(target);
    case 'openssh-sftp':
    case 'openssh-scp':
    case 'rsync':
    case 'openssh-ssh-l':
      return (await import('../peers/transfer-openssh.js')).loadOpensshPeer(name, target, workDir);
    default:
      throw new Error(`unknown transfer peer ${JSON.stringify(name)}`);
  }
}

/** Runs `work` with a deadline: past it the peer is aborted (its processes killed) and RunHungError thrown. */
async function timed(peer: TransferPeer, limitMs: number, what: string, work: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      peer.abort();
      reject(new RunHungError(`${what} took over ${limitMs} ms; killed`));
    }, limitMs);
  });
  const cpu = markCpu();
  const liveBefore = peer.liveCpuMicros?.() ?? 0;
  const started = performance.now();
  try {
    await Promise.race([work(), deadline]);
    const ms = performance.now() - started;
    return { ms, cpuMs: (cpuSince(cpu).total + (peer.liveCpuMicros?.() ?? 0) - liveBefore) / 1000 };
  } finally {
    clearTimeout(timer);
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Files and their bytes under `dir` (symlinks and directories not counted). */
export async function countTree(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const pending = [dir];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const entry of await readdir(next, { withFileTypes: true })) {
      const path = join(next, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) {
        files++;
        bytes += (await stat(path)).size;
      }
    }
  }
  return { files, bytes };
}

const message = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 400);

/** Whether run `i` (0-based) may start: the first always, then up to `runs` within the budget. */
export const mayRun = (i: number, params: Pick<TransferParams, 'runs' | 'budgetMs'>, elapsedMs: number): boolean =>
  i === 0 || (i < params.runs && elapsedMs < params.budgetMs);

/** Samples, failures and checks of one child, and the first run that hung (which ends the child's runs). */
class Tally {
  constructor(private readonly progress: Progress) {}

  readonly samples: TransferSample[] = [];
  readonly failures: TransferFailure[] = [];
  readonly checks: string[] = [];
  hung: string | undefined;

  fail(direction: TransferDirection, reason: string): void {
    this.failures.push({ direction, reason: reason.slice(0, 400) });
  }

  /** A final check failed: the direction's runs do not count (they delivered something wrong). */
  void(direction: TransferDirection, reason: string): void {
    const kept = this.samples.filter((sample) => sample.direction !== direction);
    const voided = this.samples.length - kept.length;
    this.samples.splice(0, this.samples.length, ...kept);
    this.fail(direction, `${reason} (${voided} run(s) voided)`);
  }

  /** Runs one timed run; false when it hung (stop running). */
  async run(
    peer: TransferPeer,
    direction: TransferDirection,
    limitMs: number,
    work: () => Promise<unknown>,
    check: () => Promise<string | undefined>,
    closeAfter = true,
  ): Promise<boolean> {
    try {
      const { ms, cpuMs } = await timed(peer, limitMs, `${direction} run`, work);
      const wrong = await check();
      if (wrong === undefined) this.samples.push({ direction, ms, cpuMs });
      else this.fail(direction, wrong);
    } catch (error) {
      if (error instanceof RunHungError) {
        this.hung = error.message;
        return false;
      }
      this.fail(direction, message(error));
    } finally {
      // A tunnel's runs share the tunnel (closed by its own finally); a file or tree run closes its client.
      if (closeAfter) await peer.cleanup().catch(() => undefined);
      this.progress.set(this.samples.length, this.failures.length);
    }
    return true;
  }
}

const sizeCheck = (path: string, bytes: number) => async (): Promise<string | undefined> => {
  const size = await stat(path).then((s) => s.size, () => -1);
  return size === bytes ? undefined : `${path}: ${size < 0 ? 'missing' : `${size} bytes`}, expected ${bytes}`;
};

async function runFile(peer: TransferPeer, params: TransferParams, tally: Tally): Promise<void> {
  const { putFile, getFile } = peer;
  if (putFile === undefined || getFile === undefined) throw new Error('this peer has no file transfer');
  const up = join(params.workDir, 'remote', 'big.up');
  const down = join(params.workDir, 'local', 'big.down');
  for (let i = 0, start = performance.now(); mayRun(i, params, performance.now() - start); i++) {
    await rm(up, { force: true });
    if (!(await tally.run(peer, 'up', params.runTimeoutMs, () => putFile(params.source, up), sizeCheck(up, params.bytes)))) return;
    await rm(down, { force: true });
    // The host is this machine: the source file itself is the remote file downloaded.
    if (!(await tally.run(peer, 'down', params.runTimeoutMs, () => getFile(params.source, down), sizeCheck(down, params.bytes)))) return;
  }
  for (const [direction, path] of [['up', up], ['down', down]] as const) {
    if (!tally.samples.some((sample) => sample.direction === direction)) continue;
    const digest = await sha256File(path).catch((error: unknown) => message(error));
    if (digest === params.sha256) tally.checks.push(`${direction}: size each run, sha256 after the last`);
    else tally.void(direction, `sha256 of ${path} after the last run is ${digest.slice(0, 16)}…, expected ${params.sha256.slice(0, 16)}…`);
  }
}

async function runTree(peer: TransferPeer, params: TransferParams, tally: Tally): Promise<void> {
  const { putTree } = peer;
  if (putTree === undefined) throw new Error('this peer has no directory upload');
  for (let i = 0, start = performance.now(); mayRun(i, params, performance.now() - start); i++) {
    const dest = join(params.workDir, 'remote', `tree-${i}`);
    await rm(dest, { recursive: true, force: true });
    const check = async (): Promise<string | undefined> => {
      const got = await countTree(dest).catch(() => ({ files: -1, bytes: -1 }));
      return got.files === params.files && got.bytes === params.bytes ? undefined : `${dest}: ${got.files} files, ${got.bytes} bytes; expected ${params.files}, ${params.bytes}`;
    };
    const going = await tally.run(peer, 'up', params.runTimeoutMs, () => putTree(params.source, dest), check);
    await rm(dest, { recursive: true, force: true });
    if (!going) return;
  }
  if (tally.samples.length > 0) tally.checks.push('up: file count and bytes of the copy, each run');
}

const WARMUP_BYTES = 1024 * 1024;
const READY_ATTEMPTS = 100;
const READY_INTERVAL_MS = 100;

async function runTunnel(peer: TransferPeer, params: TransferParams, tally: Tally, ask: AskParent): Promise<void> {
  const { openTunnel } = peer;
  if (openTunnel === undefined) throw new Error('this peer has no tunnel');
  const traffic = async (direction: TransferDirection, bytes: number, timeoutMs: number): Promise<TrafficAnswer> => {
    const request: TrafficRequest = { action: 'tunnel-traffic', direction, port: tunnel.port, bytes, timeoutMs };
    return (await ask(request, timeoutMs + 5_000)) as TrafficAnswer;
  };
  const tunnel = await openTunnel('127.0.0.1', params.sinkPort);
  try {
    // Untimed: the connection is up (ssh -L listens only after it authenticated), and the first channel opened.
    let ready: string | undefined = 'not tried';
    for (let attempt = 0; attempt < READY_ATTEMPTS && ready !== undefined; attempt++) {
      try {
        const answer = await traffic('up', WARMUP_BYTES, 10_000);
        ready = answer.bytes === WARMUP_BYTES ? undefined : `warm-up: ${answer.bytes} of ${WARMUP_BYTES} bytes arrived`;
      } catch (error) {
        ready = message(error);
      }
      if (ready !== undefined) await new Promise((resolve) => setTimeout(resolve, READY_INTERVAL_MS));
    }
    if (ready !== undefined) throw new Error(`the tunnel never carried bytes: ${ready}`);
    for (let i = 0, start = performance.now(); mayRun(i, params, performance.now() - start); i++) {
      for (const direction of ['up', 'down'] as const) {
        let answer: TrafficAnswer | undefined;
        const going = await tally.run(
          peer,
          direction,
          params.runTimeoutMs,
          async () => (answer = await traffic(direction, params.bytes, params.runTimeoutMs)),
          () => Promise.resolve(answer?.bytes === params.bytes ? undefined : `${answer?.bytes ?? '?'} of ${params.bytes} bytes arrived`),
          false,
        );
        if (!going) return;
        // The parent's own clock: connect to the last byte at the far end, without the IPC round trip.
        const last = tally.samples.at(-1);
        if (answer !== undefined && last !== undefined && last.direction === direction) tally.samples[tally.samples.length - 1] = { ...last, ms: answer.ms };
      }
    }
    if (tally.samples.length > 0) tally.checks.push('bytes counted at the far end, each run');
  } finally {
    await tunnel.close().catch(() => undefined);
  }
}

export async function runTransfer(peerName: string, target: TargetInfo, params: TransferParams, progress: Progress, ask: AskParent): Promise<TransferResult> {
  await mkdir(join(params.workDir, 'remote'), { recursive: true });
  await mkdir(join(params.workDir, 'local'), { recursive: true });
  const peer = await loadTransferPeer(peerName, target, params.workDir);
  const tally = new Tally(progress);
  if (params.workload === 'file') await runFile(peer, params, tally);
  else if (params.workload === 'tree') await runTree(peer, params, tally);
  else await runTunnel(peer, params, tally, ask);
  return { kind: 'transfer', samples: tally.samples, failures: tally.failures, checks: tally.checks, hung: tally.hung, note: peer.note?.() };
}
