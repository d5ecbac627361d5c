/**
 * A small but real deploy over pooled SSH connections:
 * upload a release, switch the `current` symlink atomically, restart a (fake) service, check its health.
 *
 *   pnpm exec tsx examples/deploy.ts          # against an SSH host started on 127.0.0.1
 *   REXEC_DEMO_TARGET=me@box pnpm exec tsx examples/deploy.ts
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { $, type SshTargetOptions } from '@rexec/core';
import { withDemoTarget } from './lib/demo-host.js';

export interface DeployReport {
  readonly steps: { name: string; ms: number }[];
  readonly version: string;
}

export async function deploy(target: string | SshTargetOptions, log: (line: string) => void): Promise<DeployReport> {
  const remote = $.ssh(target);
  const steps: { name: string; ms: number }[] = [];
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const value = await run();
    const ms = performance.now() - started;
    steps.push({ name, ms });
    log(`  ✔ ${name.padEnd(38)} ${ms.toFixed(1).padStart(7)} ms`);
    return value;
  };

  const version = `v${Date.now()}`;
  const app = (await step('create a scratch app directory', () => remote`mktemp -d /tmp/rexec-demo.XXXXXX`.text())).trim();
  const release = `${app}/releases/${version}`;
  try {
    await step('upload the release (one tar stream)', async () => {
      // The release is built here, then uploaded whole: it becomes `release` itself, modes included, written
      // under a temporary name and renamed, so a half-uploaded release never appears (docs/files.md).
      const local = mkdtempSync(join(tmpdir(), 'rexec-release-'));
      try {
        chmodSync(local, 0o755);
        writeFileSync(join(local, 'VERSION'), `${version}\n`);
        writeFileSync(join(local, 'server.sh'), '#!/bin/sh\nexec sleep 300\n', { mode: 0o755 });
        await remote.upload(local, release, { mkdir: true });
      } finally {
        rmSync(local, { recursive: true, force: true });
      }
    });
    await step('switch the current symlink atomically', async () => {
      await remote.cd(app)`ln -sfn ${`releases/${version}`} current.tmp && mv -Tf current.tmp current`;
    });
    await step('restart the service', async () => {
      await remote.cd(app).nothrow()`test -f app.pid && kill "$(cat app.pid)"`;
      await remote.cd(app)`nohup ./current/server.sh >/dev/null 2>&1 & echo $! > app.pid`;
    });
    const running = await step('health check', async () => {
      const alive = await remote.cd(app).nothrow()`kill -0 "$(cat app.pid)"`;
      const live = await remote.cd(app)`cat current/VERSION`.text();
      return alive.ok && live.trim() === version;
    });
    if (!running) throw new Error(`deploy of ${version} failed its health check`);
    await Promise.all([1, 2, 3, 4].map((n) => step(`parallel check ${n} (pooled channels)`, () => remote`test -d ${release}`)));
  } finally {
    await remote.cd(app).nothrow()`test -f app.pid && kill "$(cat app.pid)"; rm -rf ${app}`;
  }
  return { steps, version };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await withDemoTarget(async ({ target, description }) => {
    console.log(`deploying to ${description}`);
    const report = await deploy(target, console.log);
    console.log(`deployed ${report.version}`);
    await $.ssh(target).closePool();
  });
}
