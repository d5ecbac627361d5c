/**
 * Paths of a transfer: remote ones are POSIX (`/`), relative to the login directory (`~` and `~/` mean it,
 * as in `scp`); temporary names sit beside the destination, so the final rename stays on one file system.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';

/** A remote path as SFTP and the shell take it: `~` and `~/x` become `.` and `x` (both relative to the login directory). */
export function remotePath(path: string): string {
  if (path === '~' || path === '~/') return '.';
  if (path.startsWith('~/')) return path.slice(2) === '' ? '.' : path.slice(2);
  return path;
}

/** The parent of a remote path (`.` for a plain name). Trailing slashes are ignored. */
export function remoteParent(path: string): string {
  const trimmed = trimSlashes(path);
  return posix.dirname(trimmed);
}

export function remoteBase(path: string): string {
  return posix.basename(trimSlashes(path));
}

function trimSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === '/') end--;
  return path.slice(0, end);
}

/** `parent/.name.rexec-<random>.tmp`: hidden, beside the destination, unlikely to collide. */
export function temporarySibling(join: (dir: string, name: string) => string, parent: string, base: string, suffix = 'tmp'): string {
  return join(parent, `.${base.slice(0, 100)}.rexec-${randomBytes(6).toString('hex')}.${suffix}`);
}

/** `dir/name`, POSIX. */
export function remoteJoin(dir: string, name: string): string {
  if (dir === '.' || dir === '') return name;
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

/**
 * Checks a relative path that came from the other side (an archive entry, a remote listing): no absolute
 * path, no `..`, no empty component. Returns its parts, or undefined when it is unsafe.
 */
export function safeRelativeParts(path: string): string[] | undefined {
  let clean = path;
  while (clean.startsWith('./')) clean = clean.slice(2);
  while (clean.endsWith('/')) clean = clean.slice(0, -1);
  if (clean === '' || clean === '.') return [];
  if (clean.startsWith('/')) return undefined;
  const parts = clean.split('/').filter((part) => part !== '.' && part !== '');
  if (parts.some((part) => part === '..')) return undefined;
  return parts;
}
