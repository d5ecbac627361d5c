/**
 * The deploy of examples/deploy.ts, step for step, as commands any peer can run: write a release
 * (two files through stdin), switch the `current` symlink atomically, restart a fake service, check
 * its health, four checks in parallel, and the cleanup. `$.ssh` runs each command as the example
 * writes it (`remote.cd(app).nothrow()`, `.stdin(…)`: see peers/rexec-pooled.ts); the other peers with
 * their own cwd/stdin/nothrow, and raw ssh2 with `cd 'dir' &&` and stdin written to the channel.
 *
 * Two commands differ in text, not in work: the example's health check reads `alive.ok` of
 * `kill -0 …`, which the peers (stdout only) see as `kill -0 … && echo alive`; and paths are quoted
 * here, where the example lets the tag quote them.
 *
 * The first deploy of a session opens its connection; the next ones reuse it (a deploy tool that
 * stays up, or the pool of one that deploys several services). Both are reported.
 */
import type { DeployParams, DeployResult } from '../child/protocol.js';
import type { LoadedPeer, PeerSession } from '../peers/peer.js';
import { shellQuote as q } from '../peers/ssh2-client.js';

/** Commands one deploy runs (the four parallel checks count four). */
export const DEPLOY_COMMANDS = 15;

/** One deploy; resolves when the cleanup is done, rejects when a step failed or the health check did. */
export async function deployOnce(session: PeerSession, tag: string): Promise<void> {
  const version = `v${Date.now()}-${tag}`;
  const app = (await session.exec('mktemp -d /tmp/rexec-demo.XXXXXX')).trim();
  if (!app.startsWith('/tmp/rexec-demo.')) throw new Error(`mktemp printed ${JSON.stringify(app.slice(0, 60))}`);
  const release = `${app}/releases/${version}`;
  try {
    // write the release (stdin → file)
    await session.exec(`mkdir -p ${q(release)}`);
    await session.exec(`cat > ${q(`${release}/VERSION`)}`, { stdin: `${version}\n` });
    await session.exec(`cat > ${q(`${release}/server.sh`)}`, { stdin: '#!/bin/sh\nexec sleep 300\n' });
    await session.exec(`chmod +x ${q(`${release}/server.sh`)}`);
    // switch the current symlink atomically
    await session.exec(`ln -sfn ${q(`releases/${version}`)} current.tmp && mv -Tf current.tmp current`, { cwd: app });
    // restart the service
    await session.exec('test -f app.pid && kill "$(cat app.pid)"', { cwd: app, nothrow: true });
    await session.exec('nohup ./current/server.sh >/dev/null 2>&1 & echo $! > app.pid', { cwd: app });
    // health check
    const alive = (await session.exec('kill -0 "$(cat app.pid)" && echo alive', { cwd: app, nothrow: true })).trim() === 'alive';
    const live = (await session.exec('cat current/VERSION', { cwd: app })).trim();
    if (!alive || live !== version) throw new Error(`deploy of ${version} failed its health check (alive: ${alive}, live: ${JSON.stringify(live.slice(0, 40))})`);
    // parallel checks (pooled channels)
    await Promise.all([1, 2, 3, 4].map(() => session.exec(`test -d ${q(release)}`)));
  } finally {
    await session.exec(`test -f app.pid && kill "$(cat app.pid)"; rm -rf ${q(app)}`, { cwd: app, nothrow: true });
  }
}

export async function runDeploy(peer: LoadedPeer, params: DeployParams): Promise<DeployResult> {
  const session = await peer.open({ purpose: 'deploy' });
  try {
    let started = performance.now();
    await deployOnce(session, 'first');
    const firstMs = performance.now() - started;
    const heldMs: number[] = [];
    const loopStart = performance.now();
    const more = (i: number): boolean => i < params.minIterations || (i < params.maxIterations && performance.now() - loopStart < params.budgetMs);
    for (let i = 0; more(i); i++) {
      started = performance.now();
      await deployOnce(session, String(i));
      heldMs.push(performance.now() - started);
    }
    return { kind: 'deploy', firstMs, heldMs, commandsPerDeploy: DEPLOY_COMMANDS };
  } finally {
    await session.close();
  }
}
