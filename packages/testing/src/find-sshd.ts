import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const FALLBACK = '/usr/sbin/sshd';

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The path of OpenSSH `sshd`: `explicit` when given (if executable), else `sshd` on PATH, else
 * `/usr/sbin/sshd`; undefined when there is none.
 */
export function findSshd(env: NodeJS.ProcessEnv = process.env, explicit?: string): string | undefined {
  if (explicit !== undefined) return isExecutableFile(explicit) ? explicit : undefined;
  const dirs = (env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    const candidate = join(dir, 'sshd');
    if (isExecutableFile(candidate)) return candidate;
  }
  return isExecutableFile(FALLBACK) ? FALLBACK : undefined;
}
