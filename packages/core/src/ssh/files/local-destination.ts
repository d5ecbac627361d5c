/**
 * The local end of a download: checking the destination and its parent before anything is read, making
 * missing parents (`mkdir`), and the final step of an atomic download: the temporary name renamed to the
 * destination (without overwrite through a hard link, which never replaces; a directory that was there is
 * moved aside, then removed).
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { link, lstat, mkdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { TransferRun } from './transfer-run.js';

export interface LocalDestination {
  readonly path: string;
  readonly parent: string;
  readonly base: string;
  readonly existing: Stats | undefined;
}

/** Nothing there: missing, or a parent on the way is not a directory (the walk up below says which). */
const missing = (error: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

export async function checkLocalDestination(run: TransferRun, path: string, kind: 'file' | 'directory'): Promise<LocalDestination> {
  const parent = dirname(path);
  const base = basename(path);
  const existing = await lstat(path).catch((error: unknown) => {
    if (missing(error)) return undefined;
    throw error;
  });
  if (existing !== undefined) {
    if (!run.options.overwrite) throw run.failure('exists', path, 'local');
    if (kind === 'file' && existing.isDirectory()) throw run.failure('is-a-directory', path, 'local');
    if (kind === 'directory' && !existing.isDirectory()) throw run.failure('not-a-directory', path, 'local', 'a directory cannot replace a file');
    return { path, parent, base, existing };
  }
  // The nearest ancestor that exists must be a directory; the ones below it are missing.
  let at = parent;
  let found: Stats | undefined;
  for (;;) {
    found = await stat(at).catch((error: unknown) => {
      if (missing(error)) return undefined;
      throw error;
    });
    if (found !== undefined || dirname(at) === at) break;
    at = dirname(at);
  }
  if (found !== undefined && !found.isDirectory()) throw run.failure('not-a-directory', at, 'local', 'a parent of the destination is a file');
  if (at !== parent) {
    if (!run.options.mkdir) throw run.failure('not-found', parent, 'local', 'the destination directory does not exist');
    await mkdir(parent, { recursive: true });
  }
  return { path, parent, base, existing };
}

export function localTemporary(dest: LocalDestination, suffix = 'tmp'): string {
  return join(dest.parent, `.${dest.base.slice(0, 100)}.rexec-${randomBytes(6).toString('hex')}.${suffix}`);
}

/** Puts `staged` in place of `dest` (see the file comment). */
export async function commitLocal(run: TransferRun, staged: string, dest: LocalDestination, kind: 'file' | 'directory'): Promise<void> {
  if (kind === 'file') {
    if (run.options.overwrite) return rename(staged, dest.path);
    try {
      await link(staged, dest.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw run.failure('exists', dest.path, 'local', 'it appeared during the download');
      throw error;
    }
    await unlink(staged);
    return;
  }
  const existing = await lstat(dest.path).catch(() => undefined);
  if (existing === undefined) return rename(staged, dest.path);
  if (!run.options.overwrite) throw run.failure('exists', dest.path, 'local', 'it appeared during the download');
  if (!existing.isDirectory()) throw run.failure('not-a-directory', dest.path, 'local', 'a directory cannot replace a file');
  const old = localTemporary(dest, 'old');
  await rename(dest.path, old);
  try {
    await rename(staged, dest.path);
  } catch (error) {
    await rename(old, dest.path).catch(() => undefined);
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}

export async function discardLocal(staged: string): Promise<string | undefined> {
  try {
    await rm(staged, { recursive: true, force: true });
    return undefined;
  } catch {
    return staged;
  }
}
