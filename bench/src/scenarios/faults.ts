/**
 * Faults, child side. The parent owns the host and the fault proxy and acts when asked
 * (`requestParent`, answered in sections/faults-section.ts); the child runs the client and stamps
 * what it sees with `epochNow()`, the clock both share.
 *
 * - restart: `total` commands with `inFlight` outstanding; at `killAfter` settled commands sshd is
 *   killed and, `restartAfterMs` after it died, restarted. Failures are split by phase; the time from
 *   sshd's death to the first failure (channel refusals of the raw client left out: they are not the
 *   fault) and from sshd answering again to the first success are taken from the stamps. When the
 *   commands ran out before anything succeeded after the restart, one command every
 *   `probeIntervalMs` (at most `maxProbes`) measures the recovery instead.
 * - silent: a command with a timeout on a live connection whose network then goes silent (the proxy
 *   frozen: no byte, no FIN, no RST); how long until it settles, and how.
 * - down: a host that stays down; commands until the circuit opens, then how fast commands fail.
 */
import { epochNow, type DownParams, type DownResult, type FaultRequest, type FaultTimes, type RestartParams, type RestartResult, type SilentParams, type SilentResult } from '../child/protocol.js';
import type { LoadedPeer, PeerSession } from '../peers/peer.js';
import type { Progress } from './progress.js';
import { failureKind, runWorkers } from './throughput.js';

export type AskParent = (request: FaultRequest) => Promise<unknown>;

const MAX_FAILURE_KINDS = 6;
/** The raw client's channel refusals (sshd MaxSessions): failures of every run, not of the fault. */
const CHANNEL_REFUSAL = /Channel open failure|refused a new session channel/i;
/** Time the kill-and-restart may take in the parent (freeze and kill under load, the wait, the restart). */
const FAULT_ANSWER_MS = 60_000;
const CLOSE_MS = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const nameOf = (error: unknown): string => (error instanceof Error ? error.name : typeof error);
const isCircuitOpen = (error: unknown): boolean => nameOf(error) === 'CircuitOpenError';
const closeBounded = (session: PeerSession): Promise<unknown> => Promise.race([session.close().catch(() => undefined), sleep(CLOSE_MS)]);

const isFaultTimes = (value: unknown): value is FaultTimes =>
  typeof value === 'object' &&
  value !== null &&
  ['killIssuedAt', 'diedAt', 'killedAt', 'restartIssuedAt', 'readyAt'].every((key) => typeof (value as Record<string, unknown>)[key] === 'number');

interface Completion {
  readonly at: number;
  readonly ok: boolean;
  readonly refusal: boolean;
}

/** The figures of a restart run from its stamps (exported for the tests). */
export function restartFigures(
  completions: readonly Completion[],
  times: FaultTimes | null,
  probeSuccessAt: number | undefined,
): Pick<RestartResult, 'failedBeforeKill' | 'failedDuringOutage' | 'failedAfterRestart' | 'firstFailureAfterKillMs' | 'recoveryMs' | 'recoveredBy'> {
  const failures = completions.filter((c) => !c.ok);
  if (times === null) {
    return { failedBeforeKill: failures.length, failedDuringOutage: 0, failedAfterRestart: 0, firstFailureAfterKillMs: null, recoveryMs: null, recoveredBy: 'none' };
  }
  const firstFailure = failures.find((c) => c.at >= times.killIssuedAt && !c.refusal);
  const firstSuccess = completions.find((c) => c.ok && c.at >= times.restartIssuedAt);
  const recoveredAt = firstSuccess?.at ?? probeSuccessAt;
  return {
    failedBeforeKill: failures.filter((c) => c.at < times.killIssuedAt).length,
    failedDuringOutage: failures.filter((c) => c.at >= times.killIssuedAt && c.at < times.readyAt).length,
    failedAfterRestart: failures.filter((c) => c.at >= times.readyAt).length,
    firstFailureAfterKillMs: firstFailure === undefined ? null : firstFailure.at - times.diedAt,
    recoveryMs: recoveredAt === undefined ? null : recoveredAt - times.readyAt,
    recoveredBy: firstSuccess !== undefined ? 'workload' : probeSuccessAt !== undefined ? 'probe' : 'none',
  };
}

export async function runRestart(peer: LoadedPeer, params: RestartParams, ask: AskParent, progress?: Progress): Promise<RestartResult> {
  const session = await peer.open({ purpose: 'faults', maxChannels: params.serverMaxSessions, poolOptions: params.poolOptions });
  await session.exec(params.command); // connect before the clock starts
  const completions: Completion[] = [];
  const failureKinds: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  let started = 0;
  let firstError: string | undefined;
  let fault: Promise<FaultTimes | null> | undefined;
  const settle = (error?: unknown): void => {
    const success = error === undefined;
    const kind = success ? '' : failureKind(error);
    if (success) ok++;
    else {
      failed++;
      firstError ??= kind;
      if (kind in failureKinds || Object.keys(failureKinds).length < MAX_FAILURE_KINDS) failureKinds[kind] = (failureKinds[kind] ?? 0) + 1;
    }
    completions.push({ at: epochNow(), ok: success, refusal: CHANNEL_REFUSAL.test(kind) });
    if (completions.length === params.killAfter) {
      fault = ask({ action: 'kill-restart', restartAfterMs: params.restartAfterMs }).then(
        (answer) => (isFaultTimes(answer) ? answer : null),
        (error: unknown) => {
          firstError ??= `the fault itself failed: ${String(error)}`;
          return null;
        },
      );
    }
    progress?.set(ok, failed);
  };
  const worker = async (): Promise<void> => {
    while (started < params.total) {
      started++;
      try {
        await session.exec(params.command);
        settle();
      } catch (error) {
        settle(error ?? new Error('rejected without a reason'));
      }
    }
  };
  const { outcome, elapsedMs } = await runWorkers(Math.min(params.inFlight, params.total), params.deadlineMs, worker);
  const lost = outcome === 'deadline' ? params.total - ok - failed : 0;
  const times = fault === undefined ? null : await Promise.race([fault, sleep(FAULT_ANSWER_MS).then(() => null)]);
  // The commands may have run out before anything succeeded after the restart (they fail fast while the host is down).
  let probes = 0;
  let probeSuccessAt: number | undefined;
  if (times !== null && !completions.some((c) => c.ok && c.at >= times.restartIssuedAt)) {
    while (probes < params.maxProbes && probeSuccessAt === undefined) {
      probes++;
      try {
        await session.exec(params.command);
        probeSuccessAt = epochNow();
      } catch {
        await sleep(params.probeIntervalMs);
      }
    }
  }
  await closeBounded(session);
  return {
    kind: 'faults-restart',
    ok,
    failed: failed + lost,
    lost,
    elapsedMs,
    ...restartFigures(completions, times, probeSuccessAt),
    probes,
    times,
    failureKinds,
    firstError,
  };
}

/** Runs `command` until it succeeds, at most `tries` times (the connection is new after each reset). */
async function warm(session: PeerSession, command: string, tries = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await session.exec(command);
      return;
    } catch (error) {
      if (i >= tries) throw error;
    }
  }
}

export async function runSilent(peer: LoadedPeer, params: SilentParams, ask: AskParent): Promise<SilentResult> {
  const session = await peer.open({ purpose: 'faults' });
  const settleMs: number[] = [];
  const outcomes: Record<string, number> = {};
  // A command that never settles must not hang the child: after this long it counts as not settled.
  const guardMs = params.commandTimeoutMs * 10;
  try {
    for (let i = 0; i < params.samples; i++) {
      await warm(session, params.command); // a live connection through the proxy
      await ask({ action: 'freeze' });
      const started = performance.now();
      const outcome = await Promise.race([
        session.exec(params.command, { timeoutMs: params.commandTimeoutMs }).then(
          () => 'resolved',
          (error: unknown) => nameOf(error),
        ),
        sleep(guardMs).then(() => `not settled after ${guardMs} ms`),
      ]);
      settleMs.push(performance.now() - started);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      await ask({ action: 'reset' }); // the next sample starts on a new connection
    }
  } finally {
    await closeBounded(session);
  }
  return { kind: 'faults-silent', settleMs, outcomes };
}

export async function runDown(peer: LoadedPeer, params: DownParams): Promise<DownResult> {
  const session = await peer.open({ purpose: 'faults' });
  const otherOutcomes: Record<string, number> = {};
  const openLatencies: number[] = [];
  let msToOpen: number | null = null;
  let failuresBeforeOpen = 0;
  try {
    const t0 = performance.now();
    for (let i = 0; i < params.maxCommandsUntilOpen && performance.now() - t0 < params.untilOpenBudgetMs && msToOpen === null; i++) {
      try {
        await session.exec(params.command);
        otherOutcomes['resolved before open'] = (otherOutcomes['resolved before open'] ?? 0) + 1;
      } catch (error) {
        if (isCircuitOpen(error)) msToOpen = performance.now() - t0;
        else failuresBeforeOpen++;
      }
    }
    if (msToOpen !== null) {
      for (let i = 0; i < params.samples; i++) {
        const started = performance.now();
        try {
          await session.exec(params.command);
          otherOutcomes['resolved'] = (otherOutcomes['resolved'] ?? 0) + 1;
        } catch (error) {
          if (isCircuitOpen(error)) openLatencies.push(performance.now() - started);
          else otherOutcomes[nameOf(error)] = (otherOutcomes[nameOf(error)] ?? 0) + 1;
        }
      }
    }
  } finally {
    await closeBounded(session);
  }
  return { kind: 'faults-down', msToOpen, failuresBeforeOpen, openLatencies, otherOutcomes };
}
