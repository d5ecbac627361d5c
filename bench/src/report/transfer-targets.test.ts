import { describe, expect, it } from 'vitest';
import type { TransferDirection, TransferWorkload } from '../scenarios/transfer-types.js';
import { checkTargets } from './targets.js';
import type { TransferRow } from './transfer-figures.js';
import { caseRatio, ourFailedRuns, worstCase } from './transfer-targets.js';

const row = (peer: string, host: string, workload: TransferWorkload, direction: TransferDirection, perSecond: number, failed = 0): TransferRow => ({
  peer,
  label: peer,
  status: Number.isFinite(perSecond) ? 'ok' : 'unavailable',
  host,
  workload,
  direction,
  bytes: 1,
  files: 1,
  samplesMs: Number.isFinite(perSecond) ? [1] : [],
  failed,
  medianMs: 1,
  mbPerSecond: perSecond,
  cpuMs: 1,
  filesPerSecond: perSecond,
  checks: [],
  rexecOverThis: Number.NaN,
});

/** Every case of both hosts, rexec at `ours` and each peer at the figure given. */
function allRows(ours: number, peers: Record<string, number>): TransferRow[] {
  const cases: [TransferWorkload, TransferDirection, string[]][] = [
    ['file', 'up', ['openssh-sftp', 'openssh-scp']],
    ['file', 'down', ['openssh-sftp', 'openssh-scp']],
    ['tree', 'up', ['node-ssh', 'rsync']],
    ['tunnel', 'up', ['openssh-ssh-l']],
    ['tunnel', 'down', ['openssh-ssh-l']],
  ];
  return ['loopback', 'rtt20'].flatMap((host) =>
    cases.flatMap(([workload, direction, refs]) => [row('rexec', host, workload, direction, ours), ...refs.map((peer) => row(peer, host, workload, direction, peers[peer] ?? Number.NaN))]),
  );
}

const verdicts = (transfer: TransferRow[]) =>
  Object.fromEntries(
    checkTargets({ sequential: [], pauses: [], throughput: [], memory: [], pool: { status: 'ok' }, transfer })
      .filter((t) => t.section === 'transfer')
      .map((t) => [t.id, [t.verdict, Number(t.actual.toFixed(3))]]),
  );

describe('transfer targets', () => {
  it('divide by the faster of sftp and scp, and leave out a reference without figures', () => {
    const rows = [row('rexec', 'loopback', 'file', 'up', 90), row('openssh-sftp', 'loopback', 'file', 'up', 100), row('openssh-scp', 'loopback', 'file', 'up', 80)];
    expect(caseRatio(rows, 'loopback', 'file', 'up', ['openssh-sftp', 'openssh-scp']).actual).toBeCloseTo(0.9);
    const noSftp = [rows[0]!, row('openssh-sftp', 'loopback', 'file', 'up', Number.NaN), rows[2]!];
    expect(caseRatio(noSftp, 'loopback', 'file', 'up', ['openssh-sftp', 'openssh-scp']).actual).toBeCloseTo(90 / 80);
    expect(caseRatio([rows[0]!], 'loopback', 'file', 'up', ['openssh-sftp']).actual).toBeNaN();
  });

  it('take the worst host, n/a when a host has no figure', () => {
    expect(worstCase([{ actual: 1.2, detail: 'a' }, { actual: 0.7, detail: 'b' }])).toEqual({ actual: 0.7, detail: 'a; b' });
    expect(worstCase([{ actual: 1.2, detail: 'a' }, { actual: Number.NaN, detail: 'b' }]).actual).toBeNaN();
  });

  it('are met when rexec is as fast as the goals ask and has no failure, missed otherwise', () => {
    const peers = { 'openssh-sftp': 100, 'openssh-scp': 100, 'node-ssh': 30, rsync: 100, 'openssh-ssh-l': 125 };
    expect(verdicts(allRows(100, peers))).toEqual({
      'transfer-file-up': ['met', 1],
      'transfer-file-down': ['met', 1],
      'transfer-tree-node-ssh': ['met', 3.333],
      'transfer-tree-rsync': ['met', 1],
      'transfer-tunnel': ['met', 0.8],
      'transfer-failures': ['met', 0],
    });
    const slow = verdicts(allRows(99, { ...peers, 'node-ssh': 34 }));
    expect(slow['transfer-file-up']).toEqual(['missed', 0.99]);
    expect(slow['transfer-tree-node-ssh']).toEqual(['missed', 2.912]);
    expect(slow['transfer-tunnel']).toEqual(['missed', 0.792]);
  });

  it('count every failed run of rexec, and are n/a without rexec rows or when its child broke', () => {
    const rows = allRows(100, {});
    rows[0] = { ...rows[0]!, failed: 2, firstFailure: 'sha256 differs' };
    expect(ourFailedRuns(rows).actual).toBe(2);
    expect(ourFailedRuns(rows).detail).toMatch(/2 of 12 runs failed \(first: sha256 differs\)/);
    expect(ourFailedRuns([]).actual).toBeNaN();
    rows[3] = { ...rows[3]!, status: 'hung' }; // rexec's file download on loopback
    expect(ourFailedRuns(rows).actual).toBeNaN();
    expect(verdicts([])['transfer-file-up']).toEqual(['n/a', Number.NaN]);
  });
});
