/**
 * Every example runs in CI, as a user would run it (`tsx examples/<name>.ts`), so none can rot.
 * Each must exit 0 and print the lines that show its feature worked.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const examplesDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

async function runExample(file: string): Promise<string> {
  const env = { ...process.env };
  delete env['REXEC_DEMO_TARGET'];
  const { stdout } = await run(tsx, [file], { cwd: examplesDir, env, timeout: 80_000, maxBuffer: 4 * 1024 * 1024 });
  return stdout;
}

const cases: [file: string, expected: RegExp[]][] = [
  ['basic.ts', [/local printed one argument: it's a file; rm -rf \*/, /exit 3 → CommandError, exitCode 3/, /env \+ stdin: hello, world/, /streamed: line 3/]],
  ['borrowing.ts', [/nothrow exec: exitCode 7/, /ssh2 client available: true/, /after release: active 0/]],
  ['pool-config.ts', [/warmed: 2 connections/, /12 concurrent commands → 12 results over [1-3] connections/, /drained: 0 connections left/]],
  ['events-metrics.ts', [/create {2}\S+/, /acquire \S+ after/, /metrics events seen: yes/]],
  ['multi-host.ts', [/3 hosts answered in \d+ ms/]],
  ['circuit-breaker.ts', [/circuit:open for .* after 2 failures/, /CircuitOpenError in [\d.]+ ms/, /circuit state: open/]],
  ['shutdown.ts', [/command during shutdown: finished/]],
  ['deploy.ts', [/upload the release \(one tar stream\)/, /health check/, /deployed v\d+/]],
  ['files.ts', [/uploaded site: 52 files, \d+ bytes in \d+ ms via tar/, /config verified, mode 600/, /progress reports: \d+, last at 100%/, /downloaded back: 52 files, same tree: true/, /big file back, equal: true/, /piped: 52 files unpacked remotely, 20971520 bytes back, equal: true/, /binary stdout: text "\ufffd\ufffd", bytes fffe/, /TransferError \(not-found\): .*mkdir: true/]],
  ['tunnels.ts', [/banner through the tunnel: SSH-2\.0-/, /forwardRemote: remote 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+/, /10 requests through both tunnels: all answered/, /forward stats: 10 connections, \d+ bytes out, \d+ bytes back/, /tunnels closed, leases held: 0/]],
  ['demo.ts', [/pooled command \(median of 20\)/, /deployed v\d+/, /connection:create +× 1/, /done: pool closed/]],
  ['control-master.ts', [/controlmaster: 5 commands, master running \(pid \d+\)/, /connections opened: 1,/, /hello from the master/, /first command .*: \d+ ms; next ones through the master: \d+ ms/, /after closePool: master closed, socket removed: true/]],
  [
    'commands.ts',
    [
      /local: kill\(\) → SIGTERM, canceled: true/,
      /remote: kill\(\) → SIGTERM, canceled: true/,
      /retry: succeeded on attempt 3/,
      /retry: gave up after 3 attempts: exit 4, stderr "no such release"/,
      /retry\(fn\): the block passed on attempt 2/,
      /within: local demo, remote demo in tmp\./,
      /within: logged 2 commands/,
      /pipefail: without it exit 0, with it exit 1/,
      /pipefail on \/bin\/sh → ConfigError \(pipefail\)/,
    ],
  ],
  ['fleet-rolling-restart.ts', [/rolling restart to v2/, /\[6\/8\] FAILED .*exit code 1: unhealthy after restart/, /rollout stopped: 5 hosts on v2, 1 failed, 2 not run/]],
  ['fleet-job-queue.ts', [/48 jobs on 4 hosts/, /the slow host took \d+ jobs/, /group stats: 48 commands, 48 ok, 4 connections/]],
  ['fleet-failover.ts', [/moved: a command could not start on .*connection refused/, /12 of 12 commands succeeded/, /6 more commands: 0 tried the down host/, /healthy: false, commands: 0/]],
  ['generic-pool.ts', [/20 requests → 20 replies/, /after the drop: echo: are you there\?/, /drained: 0 connections left/]],
];

describe('examples', () => {
  for (const [file, expected] of cases) {
    it(`${file} runs and shows its feature`, async () => {
      const stdout = await runExample(file);
      expect(stdout.length).toBeGreaterThan(0);
      for (const pattern of expected) expect(stdout).toMatch(pattern);
    });
  }
});
