import { describe, expect, it } from 'vitest';
import type { ChildOutcome } from '../child/run-child.js';
import type { TransferResult } from '../scenarios/transfer-types.js';
import { perSecond, transferRowsOf, withRexecRatios } from './transfer-figures.js';

const process = { handlersAdded: {}, unhandledRejections: 0 };
const ok = (result: Omit<TransferResult, 'kind'>): ChildOutcome => ({ status: 'ok', result: { kind: 'transfer', ...result }, process, wallMs: 1 });
const input = (peer: string, workload: 'file' | 'tree' | 'tunnel' = 'file') => ({ peer, label: peer, host: 'loopback', workload, bytes: 100e6, files: workload === 'tree' ? 2_000 : 1 });

describe('transfer rows', () => {
  it('make MB/s and files/s of the median good run, per direction, and count failures', () => {
    const rows = transferRowsOf(
      input('rexec'),
      ok({
        samples: [
          { direction: 'up', ms: 1_000, cpuMs: 100 },
          { direction: 'up', ms: 500, cpuMs: 100 },
          { direction: 'down', ms: 2_000, cpuMs: 100 },
        ],
        failures: [{ direction: 'down', reason: 'size 3, expected 100000000' }],
        checks: ['up: sha256', 'down: sha256'],
      }),
    );
    expect(rows.map((r) => [r.direction, r.medianMs, r.mbPerSecond, r.cpuMs, r.failed, r.checks])).toEqual([
      ['up', 500, 200, 100, 0, ['up: sha256']],
      ['down', 2_000, 50, 100, 1, ['down: sha256']],
    ]);
    expect(rows[1]?.firstFailure).toMatch(/size 3/);
    expect(perSecond(2_000, 500)).toBe(4_000);
    expect(perSecond(2_000, Number.NaN)).toBeNaN();
  });

  it('are hung when a run went over its limit, keeping the runs before it; and carry a crashed child as such', () => {
    const hung = transferRowsOf(input('openssh-scp', 'tree'), ok({ samples: [{ direction: 'up', ms: 100, cpuMs: 100 }], failures: [], checks: [], hung: 'up run took over 5 ms; killed' }));
    expect(hung.map((r) => [r.status, r.reason, r.samplesMs])).toEqual([['hung', 'up run took over 5 ms; killed', [100]]]);
    const crashed = transferRowsOf(input('rexec'), { status: 'crashed', reason: 'boom', wallMs: 1 });
    expect(crashed.map((r) => [r.direction, r.status, r.reason, Number.isNaN(r.mbPerSecond)])).toEqual([
      ['up', 'crashed', 'boom', true],
      ['down', 'crashed', 'boom', true],
    ]);
  });

  it("divide rexec's throughput by each other peer's in the same host, workload and direction", () => {
    const rexec = transferRowsOf(input('rexec'), ok({ samples: [{ direction: 'up', ms: 1_000, cpuMs: 100 }, { direction: 'down', ms: 1_000, cpuMs: 100 }], failures: [], checks: [] }));
    const scp = transferRowsOf(input('openssh-scp'), ok({ samples: [{ direction: 'up', ms: 2_000, cpuMs: 100 }, { direction: 'down', ms: 500, cpuMs: 100 }], failures: [], checks: [] }));
    const rows = withRexecRatios([...rexec, ...scp]);
    expect(rows.map((r) => [r.peer, r.direction, r.rexecOverThis])).toEqual([
      ['rexec', 'up', Number.NaN],
      ['rexec', 'down', Number.NaN],
      ['openssh-scp', 'up', 2],
      ['openssh-scp', 'down', 0.5],
    ]);
  });
});
