import { describe, expect, it } from 'vitest';
import type { CommandFigures, DeployRow, FaultRestartRow, FaultsResults, PauseFigures, PausesRow, SequentialRow, ThroughputRow } from './results.js';
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

const deployRow = (peer: string, host: string, heldVsNodeSsh: number): DeployRow => ({ peer, label: peer, status: 'ok', host, heldMedianMs: 100, firstMs: 200, heldVsNodeSsh });

const restartRow = (breaker: FaultRestartRow['breaker'], failed: number, recoveryMs: number): FaultRestartRow => ({
  peer: breaker === 'n/a' ? 'ssh2-reconnect' : 'rexec-pooled',
  label: breaker,
  status: 'ok',
  breaker,
  ok: 100 - failed,
  failed,
  recoveryMs,
  recoveredBy: 'workload',
});

const faults = (on: number, off: number, recoveryMs: number, settleMax: number, openP95: number): FaultsResults => ({
  restart: [restartRow('on', on, recoveryMs), restartRow('off', off, 100), restartRow('n/a', 90, 50)],
  silent: [{ peer: 'rexec-pooled', label: 'silent', status: 'ok', commandTimeoutMs: 1000, settleMs: [1000, settleMax], medianMs: 1000, maxMs: settleMax, outcomes: { TimeoutError: 2 } }],
  down: [{ peer: 'rexec-pooled', label: 'down', status: 'ok', msToOpen: 5000, failuresBeforeOpen: 2, samples: 50, medianMs: 0.01, p95Ms: openP95, maxMs: openP95 }],
});

const judged = (figures: { deploy?: DeployRow[]; faults?: FaultsResults }) =>
  Object.fromEntries(
    checkTargets({ sequential: [], pauses: [], throughput: [], memory: [], pool: { status: 'ok' }, ...figures }).map((t) => [t.id, [t.verdict, t.actual]]),
  );

describe('checkTargets: deploy and faults', () => {
  it('judges the deploy on $.ssh over node-ssh at 20 ms RTT, the connection held', () => {
    const result = judged({ deploy: [deployRow('rexec-pooled', 'loopback', 0.1), deployRow('rexec-pooled', 'rtt20', 0.34), deployRow('node-ssh', 'rtt20', 1)] });
    expect(result['deploy-vs-node-ssh']).toEqual(['missed', 0.34]);
    expect(judged({ deploy: [deployRow('rexec-pooled', 'rtt20', 0.25)] })['deploy-vs-node-ssh']).toEqual(['met', 0.25]);
  });

  it('judges the restart on failures with the breaker on over off, and the recovery with it on', () => {
    const result = judged({ faults: faults(30, 20, 600, 1100, 0.5) });
    expect(result['restart-failures']).toEqual(['met', 1.5]);
    expect(result['restart-recovery']).toEqual(['met', 600]);
    expect(result['silent-timeout']).toEqual(['met', 1100]);
    expect(result['circuit-open-latency']).toEqual(['met', 0.5]);
    const bad = judged({ faults: faults(250, 20, 1800, 1300, 10) });
    expect(bad['restart-failures']).toEqual(['missed', 12.5]);
    expect(bad['restart-recovery']).toEqual(['missed', 1800]);
    expect(bad['silent-timeout']).toEqual(['missed', 1300]);
    // `< 10`: exactly 10 misses.
    expect(bad['circuit-open-latency']).toEqual(['missed', 10]);
  });

  it('divides by one when nothing failed with the breaker off, and says n/a without the figures', () => {
    expect(judged({ faults: faults(0, 0, 100, 1000, 1) })['restart-failures']).toEqual(['met', 0]);
    expect(judged({ faults: faults(40, 0, 100, 1000, 1) })['restart-failures']).toEqual(['missed', 40]);
    const none = judged({});
    for (const id of ['deploy-vs-node-ssh', 'restart-failures', 'restart-recovery', 'silent-timeout', 'circuit-open-latency']) expect(none[id]?.[0]).toBe('n/a');
  });
});
