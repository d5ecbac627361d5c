/**
 * The transfer targets of issue 12, checked on one run's rows: each is the worst case over both hosts
 * (and both directions for the tunnel), so a target is met only where it holds everywhere.
 */
import type { BenchSection } from '../options.js';
import type { TransferDirection, TransferWorkload } from '../scenarios/transfer-types.js';
import { TRANSFER_OURS } from '../scenarios/transfer-plan.js';
import type { TargetCheck } from './results.js';
import { fmt, ratio } from './stats.js';
import { throughputOf, type TransferRow } from './transfer-figures.js';

/** targets.ts's `check` (passed in, so this file does not import targets.ts back). */
export type CheckTarget = (section: BenchSection, id: string, description: string, goal: string, actual: number, detail: string) => TargetCheck;

const HOSTS = ['loopback', 'rtt20'] as const;

export interface CaseRatio {
  readonly actual: number;
  readonly detail: string;
}

const unit = (workload: TransferWorkload): string => (workload === 'tree' ? 'files/s' : 'MB/s');

/**
 * rexec over the fastest of `references` on one host, workload and direction. A reference that has no figure
 * (unavailable, failed) is left out of "the fastest"; with none left, NaN.
 */
export function caseRatio(rows: readonly TransferRow[], host: string, workload: TransferWorkload, direction: TransferDirection, references: readonly string[]): CaseRatio {
  const inCase = rows.filter((row) => row.host === host && row.workload === workload && row.direction === direction);
  const ours = inCase.find((row) => row.peer === TRANSFER_OURS);
  const refs = inCase.filter((row) => references.includes(row.peer) && Number.isFinite(throughputOf(row)));
  const best = refs.reduce<TransferRow | undefined>((top, row) => (top === undefined || throughputOf(row) > throughputOf(top) ? row : top), undefined);
  const actual = ratio(ours === undefined ? undefined : throughputOf(ours), best === undefined ? undefined : throughputOf(best));
  const u = unit(workload);
  const detail = `${host}${workload === 'tree' ? '' : ` ${direction}`}: $.ssh ${fmt(ours === undefined ? Number.NaN : throughputOf(ours), 0)} ${u} vs ${best?.label ?? references.join('/')} ${fmt(best === undefined ? Number.NaN : throughputOf(best), 0)} ${u} (${fmt(actual)}×)`;
  return { actual, detail };
}

/** The smallest ratio of the cases (NaN when any case has none), and every case's detail. */
export function worstCase(cases: readonly CaseRatio[]): CaseRatio {
  const values = cases.map((c) => c.actual);
  return { actual: values.length === 0 || values.some((v) => !Number.isFinite(v)) ? Number.NaN : Math.min(...values), detail: cases.map((c) => c.detail).join('; ') };
}

/** rexec's failed runs in every row of the section; NaN when rexec has no rows (the section did not run it). */
export function ourFailedRuns(rows: readonly TransferRow[]): CaseRatio {
  const ours = rows.filter((row) => row.peer === TRANSFER_OURS);
  if (ours.length === 0) return { actual: Number.NaN, detail: 'no $.ssh rows' };
  const failed = ours.reduce((sum, row) => sum + row.failed, 0);
  const runs = ours.reduce((sum, row) => sum + row.failed + row.samplesMs.length, 0);
  const first = ours.find((row) => row.firstFailure !== undefined)?.firstFailure;
  const broken = ours.filter((row) => row.status !== 'ok').map((row) => `${row.host} ${row.workload}: ${row.status}`);
  const actual = broken.length > 0 ? Number.NaN : failed;
  return { actual, detail: `${failed} of ${runs} runs failed${first === undefined ? '' : ` (first: ${first.slice(0, 120)})`}${broken.length > 0 ? `; ${[...new Set(broken)].join(', ')}` : ''}` };
}

export function transferTargets(rows: readonly TransferRow[], check: CheckTarget): TargetCheck[] {
  const perHost = (workload: TransferWorkload, direction: TransferDirection, refs: readonly string[]): CaseRatio =>
    worstCase(HOSTS.map((host) => caseRatio(rows, host, workload, direction, refs)));
  const openssh = ['openssh-sftp', 'openssh-scp'];
  const up = perHost('file', 'up', openssh);
  const down = perHost('file', 'down', openssh);
  const nodeSsh = perHost('tree', 'up', ['node-ssh']);
  const rsync = perHost('tree', 'up', ['rsync']);
  const tunnel = worstCase(HOSTS.flatMap((host) => (['up', 'down'] as const).map((direction) => caseRatio(rows, host, 'tunnel', direction, ['openssh-ssh-l']))));
  const failures = ourFailedRuns(rows);
  return [
    check('transfer', 'transfer-file-up', 'large file upload vs the faster of OpenSSH sftp and scp (MB/s, worst host)', '≥ 1.00', up.actual, up.detail),
    check('transfer', 'transfer-file-down', 'large file download vs the faster of OpenSSH sftp and scp (MB/s, worst host)', '≥ 1.00', down.actual, down.detail),
    check('transfer', 'transfer-tree-node-ssh', 'tree of small files, first copy, vs node-ssh putDirectory (files/s, worst host)', '≥ 3.00', nodeSsh.actual, nodeSsh.detail),
    check('transfer', 'transfer-tree-rsync', 'tree of small files, first copy, vs rsync -e ssh (files/s, worst host)', '≥ 1.00', rsync.actual, rsync.detail),
    check('transfer', 'transfer-tunnel', 'bytes through a tunnel vs ssh -L (MB/s, worst host and direction)', '≥ 0.80', tunnel.actual, tunnel.detail),
    check('transfer', 'transfer-failures', 'failed or wrong transfers of $.ssh in the transfer section', '= 0', failures.actual, failures.detail),
  ];
}
