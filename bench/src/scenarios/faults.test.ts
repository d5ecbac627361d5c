import { describe, expect, it } from 'vitest';
import { epochNow, type FaultRequest, type FaultTimes, type RestartParams } from '../child/protocol.js';
import type { LoadedPeer } from '../peers/peer.js';
import { restartFigures, runDown, runRestart, runSilent } from './faults.js';

const times: FaultTimes = { killIssuedAt: 100, diedAt: 300, killedAt: 350, restartIssuedAt: 2300, readyAt: 2400 };
const done = (at: number, ok: boolean, refusal = false) => ({ at, ok, refusal });

describe('restartFigures', () => {
  it('splits failures by phase and times the first failure from the death, the recovery from sshd ready', () => {
    const figures = restartFigures(
      [done(50, false, true), done(150, false, true), done(320, false), done(400, false), done(2350, false), done(2450, false), done(2500, true)],
      times,
      undefined,
    );
    expect(figures).toEqual({
      failedBeforeKill: 1,
      failedDuringOutage: 4,
      failedAfterRestart: 1,
      // The refusal at 150 is not the fault.
      firstFailureAfterKillMs: 20,
      recoveryMs: 100,
      recoveredBy: 'workload',
    });
  });

  it('takes the recovery from a probe when no command succeeded after the restart, and says none without either', () => {
    expect(restartFigures([done(320, false)], times, 3000)).toMatchObject({ recoveryMs: 600, recoveredBy: 'probe' });
    expect(restartFigures([done(320, false)], times, undefined)).toMatchObject({ recoveryMs: null, recoveredBy: 'none' });
    expect(restartFigures([done(320, false)], null, undefined)).toMatchObject({ failedBeforeKill: 1, firstFailureAfterKillMs: null });
  });
});

/** A client whose commands fail while `down` says so. */
function fakePeer(down: () => boolean, errorName = 'ConnectionError'): LoadedPeer {
  return {
    open: () =>
      Promise.resolve({
        exec: async (_command, options) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (options?.timeoutMs !== undefined) throw Object.assign(new Error('timed out'), { name: 'TimeoutError' });
          if (down()) throw Object.assign(new Error('lost'), { name: errorName });
          return '';
        },
        close: () => Promise.resolve(),
      }),
  };
}

const params: RestartParams = {
  command: 'true',
  total: 60,
  inFlight: 4,
  killAfter: 18,
  restartAfterMs: 30,
  serverMaxSessions: 10,
  deadlineMs: 10_000,
  probeIntervalMs: 5,
  maxProbes: 50,
};

describe('runRestart', () => {
  it('asks for the fault once at killAfter settled commands and counts what failed while the host was down', async () => {
    let isDown = false;
    const requests: FaultRequest[] = [];
    const result = await runRestart(fakePeer(() => isDown), params, async (request) => {
      requests.push(request);
      const killIssuedAt = epochNow();
      isDown = true;
      await new Promise((resolve) => setTimeout(resolve, 30));
      const restartIssuedAt = epochNow();
      isDown = false;
      return { killIssuedAt, diedAt: killIssuedAt, killedAt: killIssuedAt, restartIssuedAt, readyAt: restartIssuedAt };
    });
    expect(requests).toEqual([{ action: 'kill-restart', restartAfterMs: 30 }]);
    expect(result.ok + result.failed).toBe(60);
    expect(result.failed).toBeGreaterThan(0);
    expect(result.failedBeforeKill).toBe(0);
    expect(result.failedDuringOutage).toBe(result.failed);
    expect(result.recoveredBy).not.toBe('none');
    expect(result.recoveryMs).toBeGreaterThanOrEqual(0);
  });

  it('probes for the recovery when the commands ran out while the host was down, within maxProbes', async () => {
    let isDown = false;
    const result = await runRestart(fakePeer(() => isDown), { ...params, total: 30, killAfter: 5 }, () => {
      isDown = true;
      const at = epochNow();
      // The host never comes back: every probe fails, and the run still ends.
      return Promise.resolve({ killIssuedAt: at, diedAt: at, killedAt: at, restartIssuedAt: at, readyAt: at });
    });
    expect(result).toMatchObject({ recoveredBy: 'none', probes: 50, recoveryMs: null, lost: 0 });
    expect(result.ok + result.failed).toBe(30);
    expect(result.ok).toBeGreaterThanOrEqual(5);
  });
});

describe('runSilent and runDown', () => {
  it('freezes, times the command and resets for each sample', async () => {
    const requests: string[] = [];
    const result = await runSilent(fakePeer(() => false), { command: 'true', commandTimeoutMs: 50, samples: 3 }, (request) => {
      requests.push(request.action);
      return Promise.resolve({});
    });
    expect(requests).toEqual(['freeze', 'reset', 'freeze', 'reset', 'freeze', 'reset']);
    expect(result.settleMs).toHaveLength(3);
    expect(result.outcomes).toEqual({ TimeoutError: 3 });
  });

  it('counts the commands before the circuit opens, then times the fail-fast ones', async () => {
    let calls = 0;
    const peer = fakePeer(() => true, 'ConnectionError');
    const opening: LoadedPeer = {
      open: async () => {
        const session = await peer.open({ purpose: 'faults' });
        return {
          exec: (command) => (++calls > 2 ? Promise.reject(Object.assign(new Error('open'), { name: 'CircuitOpenError' })) : session.exec(command)),
          close: () => session.close(),
        };
      },
    };
    const result = await runDown(opening, { command: 'true', maxCommandsUntilOpen: 10, untilOpenBudgetMs: 5_000, samples: 20 });
    expect(result.failuresBeforeOpen).toBe(2);
    expect(result.msToOpen).not.toBeNull();
    expect(result.openLatencies).toHaveLength(20);
    expect(await runDown(fakePeer(() => true), { command: 'true', maxCommandsUntilOpen: 3, untilOpenBudgetMs: 5_000, samples: 5 })).toMatchObject({
      msToOpen: null,
      failuresBeforeOpen: 3,
      openLatencies: [],
    });
  });
});
