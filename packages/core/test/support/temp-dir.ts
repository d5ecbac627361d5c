import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/**
 * A fresh private temp dir (a HOME with no ~/.ssh, or a place for keys and known_hosts files), removed
 * when the test that made it finishes, or after the file when made at module level.
 */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rexec-home-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    afterAll(remove);
  }
  return dir;
}
