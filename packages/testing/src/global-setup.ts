/**
 * vitest globalSetup shared by the packages: one SSH host per test run, provided to the tests
 * (read it with `testHost()`). Its log is printed when a test failed (or with REXEC_TEST_SSHD_LOG=1).
 * Runs in vitest's main process: it must not import `vitest` at runtime.
 */
import { readFile } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { toHostInfo } from './host-info.js';
import { PROVIDED_HOST_KEY } from './provided-context.js';
import { startSshHost } from './start-ssh-host.js';

function runFailed(project: TestProject): boolean {
  const state = project.vitest.state;
  return state.getCountOfFailedTests() > 0 || state.getFailedFilepaths().length > 0 || state.getUnhandledErrors().length > 0;
}

async function printLog(logPath: string, kind: string): Promise<void> {
  const text = await readFile(logPath, 'utf8').catch(() => '(log unreadable)');
  const lines = text.trimEnd().split('\n');
  const tail = lines.slice(-200).join('\n');
  console.error(`\n----- ${kind} test host log (${logPath}, last ${Math.min(200, lines.length)} lines) -----\n${tail}\n----- end of test host log -----`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const host = await startSshHost();
  project.provide(PROVIDED_HOST_KEY, toHostInfo(host));
  return async () => {
    if (runFailed(project) || process.env['REXEC_TEST_SSHD_LOG'] === '1') await printLog(host.logPath, host.kind);
    await host.stop();
  };
}
