/**
 * Faults: a host of the section's own (an OpenSSH sshd with the bench hosts' settings, so killing it
 * disturbs no other section) and a fault proxy in front of it. The parent owns both and acts when a
 * child asks (scenarios/faults.ts); every client runs in a child as everywhere in the bench.
 *
 * - sshd restart under load, three runs: `$.ssh` with the circuit breaker on (the default), with it
 *   off, and raw ssh2 reconnecting naively. At 30 % of the commands the child asks for the fault; the
 *   parent calls `host.kill()` (which freezes sshd's tree with SIGSTOP, then kills it), notes when the
 *   first sshd process died (polling /proc every ms: that is when connections drop), and restarts sshd
 *   `restartAfterMs` after that death.
 * - a command with `.timeout(1000)` on a connection frozen through the proxy;
 * - a host that stays down (sshd killed for the whole child): how fast CircuitOpenError comes once open.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { knownHostsFor, startFaultProxy, startSshHost, type FaultProxy, type SshHost } from '@rexec/testing';
import { epochNow, type FaultRequest, type FaultTimes, type TargetInfo } from '../child/protocol.js';
import { runChild } from '../child/run-child.js';
import { labelOf, NAIVE_RECONNECT_DELAY_MS, RESTART_RUNS, type BenchPlan } from '../plan.js';
import type { FaultDownRow, FaultRestartRow, FaultSilentRow, FaultsResults } from '../report/results.js';
import { median, p95 } from '../report/stats.js';
import { describe, statusOf, type Log } from './outcome.js';

const LEAN_SHELL = 'SetEnv SHLVL=1';
/** Processes of sshd's tree watched for the moment of death (the listener and the first per-connection monitors). */
const WATCHED_SSHD = 8;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly state: string;
}

function readProc(pid: number | string): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const [state = '', ppid = ''] = stat.slice(close + 2).split(' ');
    return { pid: Number(pid), ppid: Number(ppid), comm: stat.slice(stat.indexOf('(') + 1, close), state };
  } catch {
    return undefined;
  }
}

/**
 * The listening sshd and its direct sshd children (one privileged monitor per connection): processes that
 * end only with their connection or the kill. Deeper ones are not watched: a session's process is an
 * `sshd` only until it execs the shell, and ends with its command, which is no death of sshd.
 */
function sshdMonitors(root: number): number[] {
  const monitors: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const proc = readProc(entry);
    if (proc !== undefined && proc.ppid === root && proc.comm === 'sshd' && proc.state !== 'Z') monitors.push(proc.pid);
  }
  return [root, ...monitors];
}

const gone = (pid: number): boolean => {
  const state = readProc(pid)?.state;
  return state === undefined || state === 'Z' || state === 'X';
};

/** Kills sshd (frozen first, by `host.kill()`), notes when its first process died, restarts it `restartAfterMs` later. */
async function killAndRestart(host: SshHost, restartAfterMs: number): Promise<FaultTimes> {
  const watched = host.pid === undefined ? [] : sshdMonitors(host.pid).slice(0, WATCHED_SSHD);
  let diedAt: number | undefined;
  const poll = setInterval(() => {
    if (diedAt === undefined && watched.some(gone)) diedAt = epochNow();
  }, 1);
  const killIssuedAt = epochNow();
  try {
    await host.kill();
  } finally {
    clearInterval(poll);
  }
  const killedAt = epochNow();
  const died = diedAt ?? killedAt;
  await sleep(Math.max(0, died + restartAfterMs - epochNow()));
  const restartIssuedAt = epochNow();
  await host.restart();
  return { killIssuedAt, diedAt: died, killedAt, restartIssuedAt, readyAt: epochNow() };
}

const isFaultRequest = (value: unknown): value is FaultRequest =>
  typeof value === 'object' && value !== null && ['kill-restart', 'freeze', 'reset'].includes(String((value as { action?: unknown }).action));

const ensureUp = async (host: SshHost): Promise<void> => {
  if (!host.running) await host.restart();
};

const RESTART_LABELS: Readonly<Record<string, string>> = {
  on: '$.ssh default pool, breaker on (default)',
  off: '$.ssh default pool, circuitBreaker: { enabled: false }',
  'n/a': `ssh2, one connection, ≤10 channels, naive reconnect (every ${NAIVE_RECONNECT_DELAY_MS} ms)`,
};

async function runRestartRuns(host: SshHost, target: TargetInfo, plan: BenchPlan, log: Log): Promise<FaultRestartRow[]> {
  const { timeoutMs, ...base } = plan.faults.restart;
  const rows: FaultRestartRow[] = [];
  for (const run of RESTART_RUNS) {
    await ensureUp(host);
    const params = { ...base, poolOptions: run.breaker === 'off' ? { circuitBreaker: { enabled: false } } : undefined };
    let fault: Promise<FaultTimes> | undefined;
    const outcome = await runChild(
      { scenario: 'faults-restart', peer: run.peer, target, params },
      {
        timeoutMs,
        onRequest: (request) => {
          if (!isFaultRequest(request) || request.action !== 'kill-restart') return Promise.reject(new Error(`unexpected request ${JSON.stringify(request)}`));
          fault ??= killAndRestart(host, request.restartAfterMs);
          return fault;
        },
      },
    );
    await fault?.catch(() => undefined);
    await ensureUp(host);
    log(`faults restart ${run.peer} breaker ${run.breaker}: ${describe(outcome)}`);
    const status = { ...statusOf(run.peer, RESTART_LABELS[run.breaker] ?? labelOf(run.peer), outcome), breaker: run.breaker };
    if (outcome.status !== 'ok' || outcome.result.kind !== 'faults-restart') {
      rows.push(status);
      continue;
    }
    const r = outcome.result;
    rows.push({
      ...status,
      ok: r.ok,
      failed: r.failed,
      lost: r.lost,
      failedBeforeKill: r.failedBeforeKill,
      failedDuringOutage: r.failedDuringOutage,
      failedAfterRestart: r.failedAfterRestart,
      firstFailureAfterKillMs: r.firstFailureAfterKillMs ?? Number.NaN,
      recoveryMs: r.recoveryMs ?? Number.NaN,
      recoveredBy: r.recoveredBy,
      probes: r.probes,
      elapsedMs: r.elapsedMs,
      freezeMs: r.times === null ? Number.NaN : r.times.diedAt - r.times.killIssuedAt,
      downMs: r.times === null ? Number.NaN : r.times.readyAt - r.times.diedAt,
      failureKinds: r.failureKinds,
      ...(r.times === null ? { reason: r.firstError ?? 'the fault did not happen' } : {}),
    });
  }
  return rows;
}

async function runSilentRun(proxy: FaultProxy, target: TargetInfo, plan: BenchPlan, log: Log): Promise<FaultSilentRow> {
  const { timeoutMs, ...params } = plan.faults.silent;
  const outcome = await runChild(
    { scenario: 'faults-silent', peer: 'rexec-pooled', target, params },
    {
      timeoutMs,
      onRequest: (request) => {
        if (!isFaultRequest(request)) return Promise.reject(new Error(`unexpected request ${JSON.stringify(request)}`));
        if (request.action === 'freeze') proxy.freeze();
        else if (request.action === 'reset') {
          proxy.reset();
          proxy.thaw();
        } else return Promise.reject(new Error('kill-restart is not part of this scenario'));
        return Promise.resolve({});
      },
    },
  );
  proxy.reset();
  proxy.thaw();
  log(`faults silent connection: ${describe(outcome)}`);
  const status = statusOf('rexec-pooled', `$.ssh, .timeout(${params.commandTimeoutMs}), connection frozen`, outcome);
  if (outcome.status !== 'ok' || outcome.result.kind !== 'faults-silent') return { ...status, commandTimeoutMs: params.commandTimeoutMs };
  const { settleMs, outcomes } = outcome.result;
  return { ...status, commandTimeoutMs: params.commandTimeoutMs, settleMs, medianMs: median(settleMs), maxMs: settleMs.length === 0 ? Number.NaN : Math.max(...settleMs), outcomes };
}

async function runDownRun(host: SshHost, target: TargetInfo, plan: BenchPlan, log: Log): Promise<FaultDownRow> {
  const { timeoutMs, ...params } = plan.faults.down;
  await host.kill();
  let outcome;
  try {
    outcome = await runChild({ scenario: 'faults-down', peer: 'rexec-pooled', target, params }, { timeoutMs });
  } finally {
    await ensureUp(host);
  }
  log(`faults host down: ${describe(outcome)}`);
  const status = statusOf('rexec-pooled', '$.ssh default pool, sshd down', outcome);
  if (outcome.status !== 'ok' || outcome.result.kind !== 'faults-down') return status;
  const { msToOpen, failuresBeforeOpen, openLatencies, otherOutcomes } = outcome.result;
  return {
    ...status,
    msToOpen: msToOpen ?? Number.NaN,
    failuresBeforeOpen,
    samples: openLatencies.length,
    medianMs: median(openLatencies),
    p95Ms: p95(openLatencies),
    maxMs: openLatencies.length === 0 ? Number.NaN : Math.max(...openLatencies),
    otherOutcomes,
    ...(msToOpen === null ? { reason: `the circuit did not open within ${params.maxCommandsUntilOpen} commands or ${params.untilOpenBudgetMs} ms` } : {}),
  };
}

export async function runFaultsSection(plan: BenchPlan, log: Log): Promise<FaultsResults> {
  const host = await startSshHost({ kind: 'openssh', maxSessions: 10, maxStartups: '10:30:100', extraConfig: [LEAN_SHELL] });
  let proxy: FaultProxy | undefined;
  try {
    proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: host.port });
    const target: TargetInfo = {
      name: 'faults',
      host: '127.0.0.1',
      port: host.port,
      username: host.username,
      privateKeyPath: host.privateKeyPath,
      knownHostsPath: host.knownHostsPath,
    };
    const proxied: TargetInfo = { ...target, name: 'faults-proxy', port: proxy.port, knownHostsPath: await knownHostsFor(host, proxy.port) };
    log(`faults: own sshd on 127.0.0.1:${host.port}, fault proxy on 127.0.0.1:${proxy.port}`);
    const restart = await runRestartRuns(host, target, plan, log);
    const silent = [await runSilentRun(proxy, proxied, plan, log)];
    const down = [await runDownRun(host, target, plan, log)];
    return { restart, silent, down };
  } finally {
    await proxy?.close();
    await host.stop();
  }
}
