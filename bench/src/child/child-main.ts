/**
 * Entry of a bench child process: `child-main.ts '<ChildTask JSON>'`. Loads one peer, runs one
 * scenario, prints one result line (see protocol.ts) and exits. The parent enforces the timeout.
 */
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isPeerUnavailableError, type LoadedPeer, type Peer, type PeerSession } from '../peers/peer.js';
import { runMemory } from '../scenarios/memory.js';
import { runPauses } from '../scenarios/pauses.js';
import { createProgress, type Progress } from '../scenarios/progress.js';
import { runSequential } from '../scenarios/sequential.js';
import { runThroughput } from '../scenarios/throughput.js';
import { runDeploy } from '../scenarios/deploy.js';
import { runDown, runRestart, runSilent } from '../scenarios/faults.js';
import { runTransfer } from '../scenarios/transfer.js';
import { requestParent } from './parent-requests.js';
import { loadPoolBench } from './load-pool-bench.js';
import { observeProcess, type ProcessObserver } from './observe-process.js';
import { RESULT_MARKER, type ChildReport, type ChildTask, type ScenarioResult, type TargetInfo } from './protocol.js';

const writeReport = (report: ChildReport): void => {
  writeSync(1, `\n${RESULT_MARKER}${JSON.stringify(report)}\n`);
};

/** Loads a peer and wraps it so that the handlers it installed are sampled while a session is live. */
async function loadPeer(name: string, target: TargetInfo, observer: ProcessObserver, modulePath?: string): Promise<LoadedPeer> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad peer name ${JSON.stringify(name)}`);
  const specifier = modulePath === undefined ? `../peers/${name}.js` : pathToFileURL(modulePath).href;
  const peer = await ((await import(specifier)) as { default: Peer }).default.load(target);
  observer.sample();
  // A peer may remove its handlers when disposed (xec does), so sample before each close.
  const watch = (session: PeerSession): PeerSession => ({
    exec: (command, options) => session.exec(command, options),
    close: () => {
      observer.sample();
      return session.close();
    },
  });
  const { openIdle } = peer;
  return {
    open: async (options) => watch(await peer.open(options)),
    ...(openIdle === undefined ? {} : { openIdle: async (n: number) => watch(await openIdle(n)) }),
    note: peer.note,
  };
}

interface Ran {
  readonly result: ScenarioResult;
  readonly note?: string | undefined;
}

async function run(task: ChildTask, observer: ProcessObserver, progress: Progress): Promise<Ran> {
  if (task.scenario === 'pool') {
    const runPoolBench = await loadPoolBench();
    return { result: { kind: 'pool', data: await runPoolBench({ quick: task.params.quick }) } };
  }
  if (task.scenario === 'transfer') return { result: await runTransfer(task.peer, task.target, task.params, progress, requestParent) };
  const peer = await loadPeer(task.peer, task.target, observer, task.scenario === 'sequential' ? task.peerModule : undefined);
  switch (task.scenario) {
    case 'sequential':
      return { result: await runSequential(peer, task.params), note: peer.note };
    case 'pauses':
      return { result: await runPauses(peer, task.params, progress), note: peer.note };
    case 'throughput':
      return { result: await runThroughput(peer, task.params, progress), note: peer.note };
    case 'memory':
      return { result: await runMemory(peer, task.params), note: peer.note };
    case 'deploy':
      return { result: await runDeploy(peer, task.params), note: peer.note };
    case 'faults-restart':
      return { result: await runRestart(peer, task.params, requestParent, progress), note: peer.note };
    case 'faults-silent':
      return { result: await runSilent(peer, task.params, requestParent), note: peer.note };
    case 'faults-down':
      return { result: await runDown(peer, task.params), note: peer.note };
  }
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '') as ChildTask;
  const progress = createProgress();
  let reported = false;
  // A peer may end the process itself (xec exits on an unhandled rejection): report that, with
  // what the scenario had done by then, from our 'exit' listener (installed before any peer's).
  const observer = observeProcess((code) => {
    if (reported) return;
    const seen = observer.observations();
    const cause = seen.unhandledRejections > 0 ? `; unhandled rejection: ${seen.firstUnhandledRejection ?? '?'}` : '';
    writeReport({ status: 'crashed', reason: `the peer ended the process (exit code ${code})${progress.describe()}${cause}`, process: seen });
  });
  // Keeps the event loop alive for the whole task, so that a peer stuck on a promise that never settles and
  // holds no handle is killed at the parent's timeout and reported as hung (test/containment.test.ts),
  // instead of Node ending the child with exit code 13 ("unsettled top-level await"). rexec's own
  // closePool() no longer needs it: a close holds the loop by itself. Measurements are unaffected.
  const keepAlive = setInterval(() => undefined, 60_000);
  let report: ChildReport;
  try {
    const { result, note } = await run(task, observer, progress);
    report = { status: 'ok', result, process: observer.observations(), note };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    report = isPeerUnavailableError(error)
      ? { status: 'unavailable', reason: error.message, process: observer.observations() }
      : { status: 'error', reason, process: observer.observations() };
  }
  clearInterval(keepAlive);
  reported = true;
  writeReport(report);
  // Peers may hold timers or sockets (keepalives); the child's work is done.
  process.exit(0);
}

await main();
