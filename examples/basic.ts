/**
 * Basic usage: local and remote commands with the same tag semantics.
 *   pnpm exec tsx examples/basic.ts
 */
import { $, CommandError } from '@rexec/core';
import { withDemoTarget } from './lib/demo-host.js';

// Local: each ${} is one quoted argument, whatever it holds.
const file = "it's a file; rm -rf *";
const local = await $`printf '%s\n' ${file}`;
console.log(`local printed one argument: ${local.stdout.trim()}`);

await withDemoTarget(async ({ target }) => {
  const remote = $.ssh(target);

  const who = await remote`whoami`;
  console.log(`remote user: ${who.toString()} on ${who.target} in ${who.duration.toFixed(1)} ms`);

  // Arrays expand to one argument per element; results interpolate as their trimmed stdout.
  const dir = await remote`mktemp -d`;
  await remote`touch ${['a b', 'c']}`.cwd(dir.toString());
  console.log(`files: ${(await remote.cd(dir.toString())`ls`.lines()).join(', ')}`);

  // A non-zero exit rejects with CommandError; .nothrow() resolves instead.
  try {
    await remote`exit 3`;
  } catch (error) {
    if (error instanceof CommandError) console.log(`exit 3 → CommandError, exitCode ${error.exitCode}`);
  }
  const missing = await remote`test -e /nonexistent`.nothrow();
  console.log(`nothrow: ok=${missing.ok} exitCode=${missing.exitCode}`);

  // Modifiers: env and stdin are applied to the remote command itself.
  const greeting = await remote`printf '%s, %s' "$GREETING" "$(cat)"`.env({ GREETING: 'hello' }).stdin('world');
  console.log(`env + stdin: ${greeting.stdout}`);

  // Stream lines as they arrive.
  for await (const line of remote`for i in 1 2 3; do echo line $i; done`) console.log(`streamed: ${line}`);

  await remote`rm -rf ${dir}`;
  await remote.closePool();
});
