/**
 * What the fleet section measures, full run and `--quick`: the 192 hosts (64 quick), 32 hosts at once
 * for every client, a serial run of 16 hosts, and the fixed cost of a 192-host group (no connection).
 * Every client runs once per run, killed at its time limit; `--quick` stays under ~90 s on 2 cores.
 */

export interface FleetPlan {
  /** Simulated hosts of the fan-out. */
  readonly hosts: number;
  /** Hosts at once, for every client (rexec's `concurrency`, pdsh `-f`, pssh `-p`, xargs `-P`, Ansible `-f`, asyncssh's semaphore). */
  readonly concurrency: number;
  /** Hosts of the serial fan-out (concurrency 1): rexec vs raw ssh2. */
  readonly serialHosts: number;
  /** Targets of the fixed-cost figure (import, handles, close; nothing connects). */
  readonly fixedHosts: number;
  /** Fresh processes per client for the fixed cost (their median is reported). */
  readonly fixedRepeats: number;
  /** Per client run, ms. */
  readonly timeoutMs: number;
  /** ssh2's / asyncssh's connect timeout, ms. */
  readonly readyTimeoutMs: number;
}

export const FLEET_FULL: FleetPlan = {
  hosts: 192,
  concurrency: 32,
  serialHosts: 16,
  fixedHosts: 192,
  fixedRepeats: 5,
  timeoutMs: 180_000,
  readyTimeoutMs: 30_000,
};

export const FLEET_QUICK: FleetPlan = {
  hosts: 64,
  concurrency: 32,
  serialHosts: 16,
  fixedHosts: 192,
  fixedRepeats: 5,
  timeoutMs: 60_000,
  readyTimeoutMs: 30_000,
};

export const fleetPlanFor = (quick: boolean): FleetPlan => (quick ? FLEET_QUICK : FLEET_FULL);
