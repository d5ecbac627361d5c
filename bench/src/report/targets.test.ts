import { describe, expect, it } from 'vitest';
import type { CommandFigures, PauseFigures, PausesRow, SequentialRow, ThroughputRow } from './results.js';
import { checkTargets } from './targets.js';

const figures = (command: string, medianVsFloor: number, cpuVsFloor: number): CommandFigures => ({
  command,
  samples: 10,
  errors: 0,
  warmupErrors: 0,
  medianMs: 1,
  p95Ms: 1,
  meanMs: 1,
  cpuMicrosPerCommand: 1,
  childCpuMicrosPerCommand: 0,
  medianVsFloor,
  p95VsFloor: 1,
  cpuVsFloor,
});

const seq = (peer: string, host: string, ratios: [number, number][], firstMs?: number): SequentialRow => ({
  peer,
  label: peer,
  status: 'ok',
  host,
  commands: ratios.map(([median, cpu], i) => figures(i === 0 ? 'true' : 'echo hi', median, cpu)),
  firstCommand: firstMs === undefined ? undefined : { coldMs: firstMs, medianMs: firstMs, samples: [firstMs] },
});

const tp = (peer: string, okPerSecond: number, failed: number): ThroughputRow => ({ peer, label: peer, status: 'ok', ok: 100, failed, lost: 0, okPerSecond });

const pause = (pauseMs: number, medianVsBackToBack: number): PauseFigures => ({
  pauseMs,
  pauseTakenMedianMs: pauseMs,
  samples: 10,
  errors: 0,
  untimedErrors: 0,
  medianMs: medianVsBackToBack,
  p95Ms: medianVsBackToBack,
  meanMs: medianVsBackToBack,
  medianVsBackToBack,
  p95VsBackToBack: medianVsBackToBack,
  medianVsFloor: 1,
});

const paused = (peer: string, host: string, ratios: number[]): PausesRow => ({
  peer,
  label: peer,
  status: 'ok',
  host,
  script: ['true', 'echo x'],
  pauses: [pause(0, 1), ...ratios.map((r, i) => pause(i === 0 ? 5 : 50, r))],
});

const verdicts = (sequential: SequentialRow[], throughput: ThroughputRow[], pool: unknown, pauses: PausesRow[] = []) =>
  Object.fromEntries(checkTargets({ sequential, pauses, throughput, memory: [], pool: { status: 'ok', data: pool } }).map((t) => [t.id, [t.verdict, t.actual]]));

describe('checkTargets', () => {
  it('judges each target on the worst command and host, against its own bound', () => {
    const result = verdicts(
      [
        seq('rexec-pooled', 'loopback', [[1.05, 1.1], [1.12, 1.0]], 55),
        seq('rexec-pooled', 'rtt20', [[1.01, 1.2], [1.02, 1.0]], 230),
        seq('ssh2-nodelay', 'loopback', [[1, 1]], 50),
        seq('ssh2-nodelay', 'rtt20', [[1, 1]], 230),
      ],
      [tp('rexec-pooled', 700, 0), tp('ssh2-nodelay', 800, 30), tp('node-ssh', 100, 5)],
      [
        { library: 'rexec createPool', scenario: 'sequential', opsPerSecond: 1e6, nsPerOperation: 1000, ratioToGenericPool: 1.2 },
        { library: 'rexec createPool', scenario: 'contended', opsPerSecond: 1e6, nsPerOperation: 1000, ratioToGenericPool: 1.1 },
        { library: 'generic-pool', scenario: 'sequential', opsPerSecond: 1e6, nsPerOperation: 1000, ratioToGenericPool: 1 },
      ],
    );
    expect(result['latency-loopback']).toEqual(['missed', 1.12]);
    expect(result['latency-rtt20']).toEqual(['met', 1.02]);
    expect(result['cpu']).toEqual(['missed', 1.2]);
    expect(result['throughput']).toEqual(['missed', 700 / 800]);
    expect(result['throughput-failures']).toEqual(['met', 0]);
    expect(result['first-command']).toEqual(['met', 1.1]);
    expect(result['pool-overhead']).toEqual(['met', 1.2]);
  });

  it('says n/a, never met, when the figures are missing', () => {
    const result = verdicts([], [tp('ssh2-nodelay', 800, 0)], undefined);
    for (const id of ['latency-loopback', 'latency-rtt20', 'cpu', 'throughput', 'throughput-failures', 'first-command', 'latency-pauses', 'pool-overhead']) {
      expect(result[id]?.[0]).toBe('n/a');
    }
  });

  it('judges latency with pauses on $.ssh\'s worst pause and host against its own back-to-back row', () => {
    const pauses = [paused('rexec-pooled', 'loopback', [1.9, 2.1]), paused('rexec-pooled', 'rtt20', [1.02, 1.04]), paused('ssh2-nodelay', 'loopback', [3, 3])];
    expect(verdicts([], [], undefined, pauses)['latency-pauses']).toEqual(['missed', 2.1]);
    expect(verdicts([], [], undefined, [paused('rexec-pooled', 'loopback', [1.01, 1.05])])['latency-pauses']).toEqual(['met', 1.05]);
    // A host whose $.ssh row has no figures (it crashed) makes the target n/a, not met.
    expect(verdicts([], [], undefined, [paused('rexec-pooled', 'loopback', [1.01]), paused('rexec-pooled', 'rtt20', [])])['latency-pauses']?.[0]).toBe('n/a');
  });
});
