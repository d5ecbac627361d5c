/**
 * Several hosts at once with Promise.all: one pool per host, commands run in parallel.
 *   pnpm exec tsx examples/multi-host.ts
 */
import { $ } from '@rexec/core';
import { openDemoTarget, type DemoTarget } from './lib/demo-host.js';

const hosts: DemoTarget[] = [];
try {
  for (let i = 0; i < 3; i++) hosts.push(await openDemoTarget());
  const fleet = hosts.map(({ target }) => $.ssh(target));
  const started = performance.now();
  const uptimes = await Promise.all(fleet.map((host) => host`sleep 0.2; echo "$(hostname) up"`));
  const elapsed = performance.now() - started;
  uptimes.forEach((result, i) => console.log(`${result.target}: ${result.toString()}  [${hosts[i]?.description}]`));
  console.log(`3 hosts answered in ${elapsed.toFixed(0)} ms (each command sleeps 200 ms: they ran in parallel)`);
  await Promise.all(fleet.map((host) => host.closePool()));
} finally {
  await Promise.all(hosts.map((host) => host.stop()));
}
