import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loginOptionsOf, type SshHostInfo } from '@rexec/testing';
import { ControlMasterAdapter, type ControlMasterAdapterOptions } from '../src/index.js';

/** A private socket dir under /tmp (short: sockets are limited to 86 bytes), removed by `cleanup`. */
export function createSocketDir(): { readonly dir: string; cleanup(): void } {
  const dir = mkdtempSync(join('/tmp', 'rexec-cmt-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Options reaching the harness host with its throwaway key, ignoring ~/.ssh/config. */
export function harnessOptions(host: SshHostInfo, socketDir: string, extra: Partial<ControlMasterAdapterOptions> = {}): ControlMasterAdapterOptions {
  return {
    ...loginOptionsOf(host),
    configFile: '/dev/null',
    controlPath: join(socketDir, '%C'),
    readyTimeout: 20_000,
    checkTimeout: 5000,
    ...extra,
  };
}

/** Runs one command on a new adapter that is expected to fail; the error and how long it took. */
export async function failureOf(options: ControlMasterAdapterOptions): Promise<{ error: unknown; elapsed: number }> {
  const adapter = new ControlMasterAdapter(options);
  const started = Date.now();
  try {
    await adapter.exec({ command: 'echo should-not-run' });
    return { error: undefined, elapsed: Date.now() - started };
  } catch (error) {
    return { error, elapsed: Date.now() - started };
  } finally {
    await adapter.dispose();
  }
}
