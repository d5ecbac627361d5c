/**
 * ControlMaster: commands through your own OpenSSH client (its config, agent, ProxyJump, known_hosts),
 * over one shared master connection. Needs the `ssh` client; not available on native Windows.
 *   pnpm exec tsx examples/control-master.ts
 */
import { existsSync } from 'node:fs';
import { $ } from '@rexec/core';
import { withDemoTarget } from './lib/demo-host.js';

await withDemoTarget(async ({ target, description }) => {
  console.log(`target: ${description}`);
  const web = $.ssh(target, { controlMaster: true, controlPersist: 60 });

  const timings: number[] = [];
  const timed = async (run: () => Promise<{ stdout: string; exitCode: number }>): Promise<void> => {
    const started = performance.now();
    const { stdout, exitCode } = await run();
    timings.push(performance.now() - started);
    console.log(`  ${stdout.trim() || '(no output)'} [exit ${exitCode}]`);
  };
  await timed(() => web`uname -s`); // starts the master, then runs through it
  await timed(() => web`echo "$(whoami) on $(hostname)"`);
  await timed(() => web.cd('/tmp')`pwd`);
  await timed(() => web.env({ GREETING: 'hello' })`echo "$GREETING from the master"`);
  await timed(() => web`exit 3`.nothrow());

  const master = web.getPoolStats().controlMaster;
  console.log(`controlmaster: ${master?.commands ?? 0} commands, master ${master?.state === 'ready' ? 'running' : master?.state} (pid ${master?.pid})`);
  console.log(`connections opened: ${master?.starts}, socket: ${master?.controlPath}`);
  const [first = 0, ...rest] = timings;
  const pooled = rest.reduce((sum, ms) => sum + ms, 0) / Math.max(1, rest.length);
  console.log(`first command (master start + command): ${first.toFixed(0)} ms; next ones through the master: ${pooled.toFixed(0)} ms on average`);

  await web.closePool(); // ssh -O exit, socket removed
  const socket = master?.controlPath;
  console.log(`after closePool: master ${web.getPoolStats().controlMaster?.state}, socket removed: ${socket !== undefined && !existsSync(socket)}`);
});
