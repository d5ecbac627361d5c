/**
 * `$.ssh.group(targets, options)`: a group of hosts (docs/fleets.md). Each host is opened as `$.ssh` opens a
 * target (its own pool, found or created in the registry by identity and pool options); the group adds a
 * strategy to pick a host per command, failover for commands that did not start, `all` / `each` to run on
 * every host, a handshake budget across hosts, events and stats. Checked now: a bad target or option throws
 * `ConfigError` here, and nothing connects until the first command.
 *
 * State: the group is open → draining → closed, once. It holds no timer and no handle of its own, so it
 * follows the pools' lifetime rule: pending commands hold the process, an idle group never does.
 */
import { ConfigError, isHostNotRunError, PoolClosedError, type Adapter } from '@rexec/adapters';
import type { Command } from '../../command/command.js';
import type { SshEnv } from '../options/ssh-options.js';
import { shellChoiceOf, withShellChoice } from '../ssh-shell-choice.js';
import { openSshTarget, type OpenedSshTarget } from '../pool/create-ssh-shell.js';
import { createDispatcher } from './dispatch.js';
import { iterateRun } from './each-iterable.js';
import { createGroupEvents } from './group-events.js';
import { createGroupHost, type GroupHost, type LinePrinter } from './group-host.js';
import { badGroupWarmMessage, duplicateTargetMessage, groupLabel } from './group-messages.js';
import { buildGroupShell, dispatchShell, type GroupShellContext } from './group-shell.js';
import { groupPrometheus, groupStats } from './group-stats.js';
import type { GroupTarget, HostResult, SshGroup, SshGroupHandle, SshGroupOptions } from './group-types.js';
import { createLimiter } from './limiter.js';
import { hostSpecsOf, inTarget, normalizeGroupOptions, type HostSpec, type ResolvedRunOptions } from './normalize-group-options.js';
import { openProgress, type ProgressDisplay } from './progress.js';
import { startRun, type RunHandle } from './run-all.js';
import { createStrategy } from './strategies.js';

/** Verbose output without a progress display: straight to this process's stdout / stderr. */
const printToConsole: LinePrinter = (stream, line) => {
  (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`);
};

function openHost(spec: HostSpec, index: number, env: SshEnv): OpenedSshTarget {
  return inTarget(index, spec.shown, () => openSshTarget(spec.target, spec.options, env));
}

function checkDistinct(opened: readonly OpenedSshTarget[]): void {
  const seen = new Map<string, number>();
  opened.forEach(({ target }, index) => {
    const first = seen.get(target);
    if (first !== undefined) throw new ConfigError(duplicateTargetMessage(target, first, index), 'targets');
    seen.set(target, index);
  });
}

export function createSshGroup(targets: readonly GroupTarget[] | string, options?: SshGroupOptions, env: SshEnv = process.env): SshGroup {
  const resolved = normalizeGroupOptions(options);
  const specs = hostSpecsOf(targets, resolved.connection, env);
  const opened = specs.map((spec, index) => openHost(spec, index, env));
  checkDistinct(opened);

  const now = (): number => performance.now();
  const label = groupLabel(opened.map(({ target }) => target));
  const limiter = createLimiter(resolved.maxConnecting);
  const events = createGroupEvents(opened, label);
  const hosts: GroupHost[] = opened.map((host, index) =>
    createGroupHost(index, host, specs[index]?.weight ?? 1, { limiter, emit: (event, payload) => events.emitHost(event, payload), now }),
  );

  let state: 'open' | 'draining' | 'closed' = 'open';
  /** Group work in flight (commands, runs of `all` / `each`): a drain waits for it. */
  const pending = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    pending.add(work);
    const forget = (): void => void pending.delete(work);
    work.then(forget, forget);
    return work;
  };
  const checkOpen = (): void => {
    if (state !== 'open') throw new PoolClosedError(label);
  };

  const dispatcher = createDispatcher({
    hosts,
    strategy: createStrategy(resolved.strategy, hosts.length, resolved.random),
    failover: resolved.failover,
    label,
    now,
    print: resolved.verbose ? printToConsole : undefined,
    isOpen: () => state === 'open',
  });

  /** Starts a run of one command per host: its progress display first (if any), then the hosts. */
  const beginRun = async (commandOn: (adapter: Adapter) => Command, options: ResolvedRunOptions, onRecord: (record: HostResult, index: number) => void): Promise<RunHandle> => {
    checkOpen();
    const progress: ProgressDisplay | undefined = options.progress === undefined ? undefined : await openProgress(options.progress, hosts.length, now);
    const print = options.verbose ? (progress?.print ?? printToConsole) : undefined;
    let notRun = 0;
    const run = startRun(
      {
        hosts,
        options,
        now,
        onStart: progress === undefined ? undefined : (target) => progress.started(target),
        runOn: (host) => {
          const adapter: Adapter = { target: host.target, exec: (spec) => host.run(spec, { startedAt: now(), print }), dispose: () => Promise.resolve() };
          const command = commandOn(adapter);
          return options.timeout === undefined ? command : command.timeout(options.timeout);
        },
      },
      (record, index) => {
        if (isHostNotRunError(record.error)) notRun += 1;
        else progress?.finished(record);
        onRecord(record, index);
      },
    );
    void track(run.finished).then(() => progress?.close(notRun));
    return run;
  };

  const context: GroupShellContext = {
    label,
    dispatch: (spec) => track(dispatcher.run(spec)),
    async all(commandOn, options) {
      const records = new Array<HostResult>(hosts.length);
      const run = await beginRun(commandOn, options, (record, index) => {
        records[index] = record;
      });
      await run.done;
      return records;
    },
    each: (commandOn, options) => iterateRun((onRecord) => beginRun(commandOn, options, onRecord)),
    runDefaults: Object.freeze({
      concurrency: resolved.concurrency,
      batch: undefined,
      maxFailures: undefined,
      failFast: false,
      timeout: undefined,
      progress: resolved.progress,
      verbose: resolved.verbose,
    }),
  };

  // `shell` / `pipefail` shape the commands, not the pools (as for `$.ssh`): the group's apply to every host.
  const base = withShellChoice(dispatchShell(context, [...new Set(opened.flatMap((host) => host.secrets))]), shellChoiceOf({}, resolved.connection));

  let drained: Promise<void> | undefined;
  let closed: Promise<void> | undefined;
  const handle: SshGroupHandle = {
    targets: Object.freeze(opened.map(({ target }) => target)),
    getStats: () => groupStats(hosts, limiter),
    prometheus: () => groupPrometheus(groupStats(hosts, limiter)),
    async warmPool(n = 1) {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ConfigError(badGroupWarmMessage(n), 'n');
      checkOpen();
      await Promise.all(hosts.map((host) => host.warm(n)));
    },
    drainPool() {
      if (state === 'open') state = 'draining';
      drained ??= (async () => {
        while (pending.size > 0) await Promise.allSettled([...pending]);
        await Promise.all(opened.map((host) => host.handle.drainPool()));
        state = 'closed';
      })();
      return drained;
    },
    closePool() {
      state = 'closed';
      closed ??= Promise.all(opened.map((host) => host.handle.closePool())).then(() => undefined);
      return closed;
    },
    ...events.methods,
  };

  return Object.assign(buildGroupShell(base, context), handle);
}
