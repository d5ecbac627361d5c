/** The transfer section's tables (text and Markdown alike, through table.ts's Section). */
import type { TransferPlan } from '../scenarios/transfer-plan.js';
import type { TransferWorkload } from '../scenarios/transfer-types.js';
import { fmt } from './stats.js';
import type { Section } from './table.js';
import type { TransferRow } from './transfer-figures.js';

const MiB = 1024 * 1024;

const size = (bytes: number): string => (bytes >= 1024 * MiB ? `${fmt(bytes / (1024 * MiB), 0)} GiB` : `${fmt(bytes / MiB, 0)} MiB`);

const CPU_NOTE =
  'client CPU: the client process and what it ran (scp, sftp, ssh, rsync: from /proc, 10 ms ticks), median per run; sshd not included; ' +
  'CPU ÷ wall near 1 means the client is bound by one core';

const note = (row: TransferRow): string => {
  if (row.status !== 'ok') return `${row.status === 'unavailable' ? 'not available' : row.status}: ${(row.reason ?? '').slice(0, 120)}`;
  const parts = [row.note ?? '', row.failed > 0 ? `first failure: ${(row.firstFailure ?? '').slice(0, 100)}` : ''];
  return parts.filter((part) => part !== '').join('; ');
};

function table(rows: readonly TransferRow[], workload: TransferWorkload, title: string, notes: string[]): Section {
  const tree = workload === 'tree';
  const body = rows
    .filter((row) => row.workload === workload)
    .map((row) => [
      row.label,
      row.host,
      ...(tree ? [] : [row.direction]),
      ...(tree ? [fmt(row.filesPerSecond, 0)] : []),
      fmt(row.mbPerSecond, 1),
      fmt(row.medianMs / 1000, 2),
      fmt(row.cpuMs / 1000, 2),
      fmt(row.cpuMs / row.medianMs),
      String(row.samplesMs.length),
      String(row.failed),
      fmt(row.rexecOverThis),
      note(row),
    ]);
  const header = ['client', 'host', ...(tree ? [] : ['direction']), ...(tree ? ['files/s'] : []), 'MB/s', 'median s', 'client CPU s', 'CPU ÷ wall', 'runs', 'failed', '$.ssh ÷ this', ''];
  return { title, header, rows: body, notes };
}

export function transferSections(rows: readonly TransferRow[], plan: TransferPlan): Section[] {
  const tunnelBytes = size(plan.tunnelBytes);
  return [
    table(rows, 'file', `Transfer — one ${size(plan.fileBytes)} file of random bytes, up and down`, [
      CPU_NOTE,
      'each run is a new client from nothing (OpenSSH: a new process; libraries: a new connection), timed to the end of the transfer, connect and ' +
        'authentication included; MB/s is 10^6 bytes per second of the median run; a run counts only when the file arrived whole ' +
        '(its size after every run, its sha256 after the last; a wrong sha256 voids the direction); scp of OpenSSH ≥ 9.0 speaks SFTP',
    ]),
    table(rows, 'tree', `Transfer — a tree of ${plan.treeFiles} files of ${plan.treeFileBytes / 1024} KiB (${plan.treeDirs} directories), first copy`, [
      'the destination is removed before each run; a run counts only when the copy has every file and byte; files/s of the median run',
    ]),
    table(rows, 'tunnel', `Transfer — ${tunnelBytes} through a tunnel, each way`, [
      `the tunnel leads to a TCP sink/source on 127.0.0.1 run by the bench's parent, which also pushes (up) or pulls (down) the bytes through ` +
        'the tunnel\'s local port, so the tunnel\'s own process does only the tunnel\'s work; set-up and a 1 MiB warm-up are not timed; ' +
        'timed from connect to the last byte at the far end; a run counts only when every byte arrived',
    ]),
  ];
}
