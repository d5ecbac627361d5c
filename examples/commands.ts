/**
 * Commands: kill(), retry(), within(), shell + pipefail, and what CommandError carries — the same on this
 * machine and on an SSH host.
 *   pnpm exec tsx examples/commands.ts
 */
import { $, CommandError, ConfigError, retry, within, type LogEntry, type Shell } from '@rexec/core';
import { withDemoTarget } from './lib/demo-host.js';

await withDemoTarget(async ({ target, description }) => {
  console.log(`target: ${description}`);
  const web = $.ssh(target);

  // kill(): ends a running command (locally its process tree, remotely its process group).
  for (const [name, sh] of [['local', $], ['remote', web]] as [string, Shell][]) {
    const sleeper = sh`exec sleep 30`.nothrow();
    setTimeout(() => sleeper.kill(), 300);
    const started = performance.now();
    const out = await sleeper;
    console.log(`${name}: kill() → ${out.signal}, canceled: ${out.isCanceled}, after ${Math.round(performance.now() - started)} ms`);
  }

  // retry(): run a failing command again. This one fails twice, then succeeds.
  const dir = (await web`mktemp -d`).toString();
  const here = web.cd(dir);
  const flaky = await here`n=$(cat runs 2>/dev/null || echo 0); echo $((n+1)) > runs; [ "$n" -ge 2 ]`.retry({ times: 4, delay: 50, backoff: 'exponential' });
  console.log(`retry: succeeded on attempt ${flaky.attempts}`);
  const failed = await here`echo "no such release" >&2; exit 4`.retry(2).catch((error: unknown) => error);
  if (failed instanceof CommandError) {
    // The result's fields are on the error itself: exitCode, stderr, stdout, signal, duration, command, target.
    console.log(`retry: gave up after ${failed.attempts} attempts: exit ${failed.exitCode}, stderr "${failed.stderr.trim()}" on ${failed.target}`);
  }
  // retry(options, fn) for any async block: here the block fails the first time (`test 1 -ge 2`).
  const ready = await retry({ times: 2, delay: 20 }, async (attempt) => {
    await here`test ${attempt} -ge 2`;
    return attempt;
  });
  console.log(`retry(fn): the block passed on attempt ${ready}`);

  // within(): defaults for every command started inside, across awaits, on every target.
  const logged: string[] = [];
  const log = (entry: LogEntry): void => {
    if (entry.kind === 'command') logged.push(`${entry.target === 'local' ? 'local' : 'remote'}: ${entry.command}`);
  };
  await within({ env: { STAGE: 'demo' }, verbose: true, log }, async () => {
    const local = await $`printf '%s' "$STAGE"`;
    await new Promise((resolve) => setTimeout(resolve, 10));
    const remote = await within({ cwd: dir }, () => web`printf '%s in %s' "$STAGE" "$(basename "$PWD")"`);
    console.log(`within: local ${local.stdout}, remote ${remote.stdout}`);
  });
  console.log(`within: logged ${logged.length} commands (${logged.join('; ')})`);

  // shell + pipefail: a pipeline fails when any part of it does (bash, zsh, ksh; not sh/dash).
  const loose = await web.shell('/bin/bash')`false | true`;
  const strict = await $.ssh(target, { shell: '/bin/bash', pipefail: true })`false | true`.nothrow();
  console.log(`pipefail: without it exit ${loose.exitCode}, with it exit ${strict.exitCode}`);
  try {
    $.shell('/bin/sh').pipefail();
  } catch (error) {
    if (error instanceof ConfigError) console.log(`pipefail on /bin/sh → ConfigError (${error.option})`);
  }

  await web`rm -rf ${dir}`;
  await web.closePool();
});
