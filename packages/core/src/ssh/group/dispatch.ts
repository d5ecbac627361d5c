/**
 * `` group`cmd` ``: one command on one host. The strategy picks among the hosts that are healthy and not yet
 * tried for this command; a command that did not start there (connect failed, circuit open, queue full or
 * timed out) moves to the next one (`failover`), within the command's own timeout. One that started is
 * never run again elsewhere: its error is the command's. When no host is left: `NoHealthyHostError` with
 * each host's last failure.
 */
import {
  canceledBeforeStart,
  NoHealthyHostError,
  PoolClosedError,
  timedOutBeforeStart,
  type ExecResult,
  type ExecSpec,
  type HostFailure,
} from '@rexec/adapters';
import { didNotStart } from './did-not-start.js';
import type { GroupHost, LinePrinter } from './group-host.js';
import type { Strategy } from './strategies.js';

export interface DispatchDeps {
  readonly hosts: readonly GroupHost[];
  readonly strategy: Strategy;
  readonly failover: boolean;
  /** The group, as messages name it. */
  readonly label: string;
  readonly now: () => number;
  /** Where verbose output goes; undefined when the group is not verbose. */
  readonly print: LinePrinter | undefined;
  /** False once the group is draining or closed: no new command. */
  readonly isOpen: () => boolean;
}

export interface Dispatcher {
  /** Runs `spec` on one host; the result's `target` names it. */
  run(spec: ExecSpec): Promise<ExecResult>;
}

function failuresOf(hosts: readonly GroupHost[]): HostFailure[] {
  return hosts.map((host) => ({ target: host.target, error: host.lastError }));
}

export function createDispatcher(deps: DispatchDeps): Dispatcher {
  const { hosts, strategy, failover, label, now, print } = deps;

  const run = async (spec: ExecSpec): Promise<ExecResult> => {
    if (!deps.isOpen()) throw new PoolClosedError(label);
    const startedAt = now();
    const context = { startedAt, print };
    const tried = new Set<GroupHost>();
    for (;;) {
      if (spec.signal?.aborted === true) return canceledBeforeStart();
      const elapsed = now() - startedAt;
      if (spec.timeout !== undefined && tried.size > 0 && elapsed >= spec.timeout) return timedOutBeforeStart(elapsed);
      const at = now();
      const candidates = hosts.filter((host) => !tried.has(host) && host.available(at));
      if (candidates.length === 0) throw new NoHealthyHostError(label, failuresOf(hosts));
      const host = strategy.pick(candidates);
      tried.add(host);
      if (host.suspect) host.claimProbe();
      try {
        // The result names the host that ran it (ExecResult.target), whichever the adapter's own target says.
        return { ...(await host.run(spec, context)), target: host.target };
      } catch (error) {
        if (failover && didNotStart(error) && deps.isOpen()) continue;
        throw error;
      }
    }
  };

  return { run };
}
