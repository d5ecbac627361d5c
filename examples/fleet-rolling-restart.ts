/**
 * A rolling restart over a host group: two hosts at a time (25 %), each restarted and then health-checked;
 * the rollout stops at the first batch with a failed health check (maxFailures: 0) and the hosts after it
 * are left alone (HostNotRunError). Here one host is made to fail its check, to show the stop.
 *   pnpm exec tsx examples/fleet-rolling-restart.ts
 */
import { $, isHostNotRunError } from '@rexec/core';
import { withDemoFleet } from './lib/demo-fleet.js';

await withDemoFleet(8, async ({ targets, description }) => {
  console.log(`fleet: ${description}`);
  const fleet = $.ssh.group(targets);
  // Each host keeps its "app" in a directory of its own (the demo hosts share one machine: the server
  // address and port in $SSH_CONNECTION tell them apart).
  const run = `rexec-fleet-demo-${process.pid}`;
  const app = `dir="\${TMPDIR:-/tmp}/${run}/$(echo "$SSH_CONNECTION" | cut -d' ' -f3,4 | tr ' ' _)"`;
  await fleet.all.raw`${app}; mkdir -p "$dir" && echo v1 > "$dir/version"`;
  // One host (the sixth) has a bad config: its new version will not come up.
  await $.ssh(targets[5] ?? '').raw`${app}; touch "$dir/bad-config"`;

  console.log('rolling restart to v2: batches of 25 %, stop at the first failed health check');
  const rollout = fleet.all.with({ batch: '25%', maxFailures: 0, timeout: 10_000, progress: true });
  const records = await rollout.raw`${app}
    echo v2 > "$dir/version"                        # "restart" the service on the new version
    for try in 1 2 3 4 5; do                        # health check: up on v2 within half a second
      if [ "$(cat "$dir/version")" = v2 ] && [ ! -e "$dir/bad-config" ]; then exit 0; fi
      sleep 0.1
    done
    echo "unhealthy after restart" >&2; exit 1`;

  for (const record of records) {
    const state = record.ok ? 'v2, healthy' : isHostNotRunError(record.error) ? 'not run (still v1)' : `FAILED: ${record.result?.stderr.trim() ?? record.error?.message}`;
    console.log(`  ${record.target.padEnd(26)} ${state}`);
  }
  const upgraded = records.filter((r) => r.ok).length;
  const skipped = records.filter((r) => isHostNotRunError(r.error)).length;
  console.log(`rollout stopped: ${upgraded} hosts on v2, ${records.length - upgraded - skipped} failed, ${skipped} not run`);
  await fleet.all.raw`rm -rf "\${TMPDIR:-/tmp}/${run}"`;
  await fleet.closePool();
});
