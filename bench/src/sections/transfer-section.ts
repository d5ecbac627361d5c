/**
 * The transfer section: a large file up and down, a tree of small files up, and bytes through a tunnel, for
 * rexec and the tools a user would use instead, on both hosts. One child per (peer, host, workload), each in
 * its own scratch directory (removed after it); the source file and tree are made once per run, in a temp
 * directory removed at the end.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetInfo } from '../child/protocol.js';
import { runChild } from '../child/run-child.js';
import type { BenchPlan } from '../plan.js';
import { transferRowsOf, withRexecRatios, type TransferRow } from '../report/transfer-figures.js';
import { childTimeoutMs, TRANSFER_PEERS, transferLabel, type TransferPlan } from '../scenarios/transfer-plan.js';
import { startTraffic } from '../scenarios/transfer-traffic.js';
import type { TransferParams, TransferWorkload } from '../scenarios/transfer-types.js';
import { describe, type Log } from './outcome.js';

const WRITE_CHUNK = 4 * 1024 * 1024;

/** Writes `bytes` random bytes to `path`; resolves with their sha256. */
async function writeRandomFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let left = bytes; left > 0; ) {
    const chunk = randomBytes(Math.min(left, WRITE_CHUNK));
    left -= chunk.length;
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

/** `files` files of `fileBytes` random bytes spread over `dirs` subdirectories of `root`. */
async function writeTree(root: string, plan: TransferPlan): Promise<void> {
  for (let d = 0; d < plan.treeDirs; d++) await mkdir(join(root, `dir-${d}`), { recursive: true });
  for (let i = 0; i < plan.treeFiles; i++) await writeFile(join(root, `dir-${i % plan.treeDirs}`, `file-${i}.bin`), randomBytes(plan.treeFileBytes));
}

export async function runTransferSection(hosts: readonly TargetInfo[], benchPlan: BenchPlan, log: Log): Promise<TransferRow[]> {
  const plan = benchPlan.transfer;
  const root = await mkdtemp(join(tmpdir(), 'rexec-bench-transfer-'));
  const traffic = await startTraffic();
  const rows: TransferRow[] = [];
  try {
    const file = join(root, 'big.bin');
    const sha256 = await writeRandomFile(file, plan.fileBytes);
    const tree = join(root, 'tree');
    await writeTree(tree, plan);
    const sources: Record<TransferWorkload, Pick<TransferParams, 'source' | 'bytes' | 'files'>> = {
      file: { source: file, bytes: plan.fileBytes, files: 1 },
      tree: { source: tree, bytes: plan.treeFiles * plan.treeFileBytes, files: plan.treeFiles },
      tunnel: { source: '', bytes: plan.tunnelBytes, files: 0 },
    };
    for (const host of hosts) {
      for (const workload of ['file', 'tree', 'tunnel'] as const) {
        const runTimeoutMs = plan.runTimeoutMs[workload] * (host.name === 'loopback' ? 1 : plan.rttTimeoutFactor);
        for (const peer of TRANSFER_PEERS[workload]) {
          const workDir = await mkdtemp(join(root, `${workload}-${peer}-`));
          const params: TransferParams = { workload, runs: plan.runs[workload], budgetMs: plan.budgetMs, workDir, ...sources[workload], sha256, sinkPort: traffic.port, runTimeoutMs };
          try {
            const outcome = await runChild(
              { scenario: 'transfer', peer, target: host, params },
              { timeoutMs: childTimeoutMs(params.runs, runTimeoutMs), onRequest: traffic.handle },
            );
            const label = transferLabel(workload, peer);
            const made = transferRowsOf({ peer, label, host: host.name, workload, bytes: params.bytes, files: params.files }, outcome);
            const figures = made
              .map((row) => `${row.direction} ${workload === 'tree' ? `${row.filesPerSecond.toFixed(0)} files/s` : `${row.mbPerSecond.toFixed(1)} MB/s`}${row.failed > 0 ? ` (${row.failed} failed)` : ''}`)
              .join(', ');
            log(`transfer ${host.name} ${workload} ${peer}: ${describe(outcome)}${made[0]?.status === 'hung' ? ` HUNG: ${made[0].reason ?? ''}` : ''}; ${figures}`);
            rows.push(...made);
          } finally {
            await rm(workDir, { recursive: true, force: true });
          }
        }
      }
    }
  } finally {
    await traffic.close();
    await rm(root, { recursive: true, force: true });
  }
  return withRexecRatios(rows);
}
