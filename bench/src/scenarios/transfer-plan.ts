/**
 * What the transfer section measures, full and `--quick`: sizes, runs, peers and time limits. Sizes follow the
 * issue (256 MiB, 2,000 × 4 KiB, 1 GiB) in the full run; the quick run keeps the whole section near 30 s.
 */
import type { TransferWorkload } from './transfer-types.js';

const MiB = 1024 * 1024;

export interface TransferPlan {
  readonly fileBytes: number;
  readonly treeFiles: number;
  readonly treeFileBytes: number;
  /** Subdirectories the tree's files are spread over (a tree, not one flat directory). */
  readonly treeDirs: number;
  /** Per run and direction. */
  readonly tunnelBytes: number;
  /** Runs at most, per direction; runs after the first start only within `budgetMs` of the first (a slow peer runs once). */
  readonly runs: Readonly<Record<TransferWorkload, number>>;
  readonly budgetMs: number;
  /** Per run on loopback; at 20 ms RTT it is multiplied by `rttTimeoutFactor`. */
  readonly runTimeoutMs: Readonly<Record<TransferWorkload, number>>;
  readonly rttTimeoutFactor: number;
}

/** Peers per workload, rexec first; each name is a case of peers/transfer-peers.ts. */
export const TRANSFER_PEERS: Readonly<Record<TransferWorkload, readonly string[]>> = {
  file: ['rexec', 'openssh-sftp', 'openssh-scp', 'ssh2-sftp-client'],
  tree: ['rexec', 'node-ssh', 'openssh-scp', 'rsync'],
  tunnel: ['rexec', 'openssh-ssh-l'],
};

export const TRANSFER_OURS = 'rexec';

/** Labels per workload (the parent never imports a peer's library). */
export const TRANSFER_LABELS: Readonly<Record<TransferWorkload, Readonly<Record<string, string>>>> = {
  file: {
    rexec: '$.ssh upload / download',
    'openssh-sftp': 'OpenSSH sftp -b (put / get)',
    'openssh-scp': 'OpenSSH scp',
    'ssh2-sftp-client': 'ssh2-sftp-client 12.1.1 fastPut / fastGet',
  },
  tree: {
    rexec: '$.ssh upload (directory)',
    'node-ssh': 'node-ssh 13.2.1 putDirectory (concurrency 10)',
    'openssh-scp': 'OpenSSH scp -r',
    rsync: 'rsync -rlp -e ssh',
  },
  tunnel: {
    rexec: '$.ssh forward',
    'openssh-ssh-l': 'OpenSSH ssh -N -L',
  },
};

export const transferLabel = (workload: TransferWorkload, peer: string): string => TRANSFER_LABELS[workload][peer] ?? peer;

export const TRANSFER_FULL: TransferPlan = {
  fileBytes: 256 * MiB,
  treeFiles: 2_000,
  treeFileBytes: 4 * 1024,
  treeDirs: 20,
  tunnelBytes: 1024 * MiB,
  runs: { file: 2, tree: 2, tunnel: 1 },
  budgetMs: 20_000,
  // scp -r of 2,000 files at 20 ms RTT takes ~3 minutes (a few round trips per file, one file at a time).
  runTimeoutMs: { file: 60_000, tree: 150_000, tunnel: 90_000 },
  rttTimeoutFactor: 2,
};

export const TRANSFER_QUICK: TransferPlan = {
  fileBytes: 16 * MiB,
  treeFiles: 200,
  treeFileBytes: 4 * 1024,
  treeDirs: 4,
  tunnelBytes: 64 * MiB,
  runs: { file: 1, tree: 1, tunnel: 1 },
  budgetMs: 0,
  runTimeoutMs: { file: 15_000, tree: 20_000, tunnel: 15_000 },
  rttTimeoutFactor: 2,
};

/** The child's own limit: every run at its limit, plus start-up and checks (the parent kills it past this). */
export const childTimeoutMs = (runs: number, runTimeoutMs: number): number => runs * 2 * runTimeoutMs + 30_000;
