/**
 * The remote end of an upload: checking the destination and its parent before anything is written, making
 * missing parents (`mkdir`), and the final step of an atomic upload: the temporary name renamed to the
 * destination (a directory that was there is moved aside, then removed).
 */
import type { Stats } from 'ssh2';
import type { SftpSession } from './sftp-session.js';
import { remoteBase, remoteJoin, remoteParent, temporarySibling } from './transfer-paths.js';
import type { TransferRun } from './transfer-run.js';
import { removeRemote } from './remote-commands.js';

/** How long removing a failed transfer's staged copy may take (the host may be gone). */
const CLEANUP_TIMEOUT_MS = 10_000;

export interface RemoteDestination {
  /** The destination as SFTP takes it (`~/` resolved). */
  readonly path: string;
  /** As the user wrote it, for messages. */
  readonly shown: string;
  readonly parent: string;
  readonly base: string;
  /** What is there now, if anything (lstat). */
  readonly existing: Stats | undefined;
}

/**
 * Checks `path` for a `kind` upload: `overwrite: false` and something there → `'exists'`; a directory where a
 * file goes → `'is-a-directory'`; a non-directory where a directory goes → `'not-a-directory'`; the parent
 * missing → made with `mkdir`, else `'not-found'`; a file on the parent's path → `'not-a-directory'`.
 */
export async function checkRemoteDestination(run: TransferRun, session: SftpSession, path: string, shown: string, kind: 'file' | 'directory'): Promise<RemoteDestination> {
  const parent = remoteParent(path);
  const base = remoteBase(path);
  const existing = await session.lstat(path);
  if (existing !== undefined) {
    if (!run.options.overwrite) throw run.failure('exists', shown, 'remote');
    if (kind === 'file' && existing.isDirectory()) throw run.failure('is-a-directory', shown, 'remote');
    if (kind === 'directory' && !existing.isDirectory()) throw run.failure('not-a-directory', shown, 'remote', 'a directory cannot replace a file');
  } else {
    await ensureRemoteParent(run, session, parent);
  }
  return { path, shown, parent, base, existing };
}

async function ensureRemoteParent(run: TransferRun, session: SftpSession, parent: string): Promise<void> {
  // The nearest ancestor that exists: it must be a directory; the ones below it are missing.
  const missing: string[] = [];
  let at = parent;
  let found: Stats | undefined;
  for (;;) {
    found = await session.stat(at).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 2) return undefined;
      throw error;
    });
    if (found !== undefined) break;
    missing.push(at);
    const up = remoteParent(at);
    if (up === at) break;
    at = up;
  }
  if (found !== undefined && !found.isDirectory()) throw run.failure('not-a-directory', at, 'remote', 'a parent of the destination is a file');
  if (missing.length === 0) return;
  if (!run.options.mkdir) throw run.failure('not-found', parent, 'remote', 'the destination directory does not exist');
  for (const dir of missing.reverse()) {
    await session.mkdir(dir).catch(async (error: unknown) => {
      const now = await session.lstat(dir).catch(() => undefined);
      if (now?.isDirectory() !== true) throw error;
    });
  }
}

/** A fresh temporary name beside the destination. */
export function remoteTemporary(dest: RemoteDestination, suffix = 'tmp'): string {
  return temporarySibling(remoteJoin, dest.parent, dest.base, suffix);
}

/**
 * Puts the staged file or directory `staged` in place of `dest`. Without overwrite, a destination that
 * appeared meanwhile is an `'exists'` error (SFTP's plain rename never replaces). A file replaces a file
 * atomically (posix-rename); a directory replaces a directory by moving the old one aside first.
 */
export async function commitRemote(run: TransferRun, session: SftpSession, staged: string, dest: RemoteDestination, kind: 'file' | 'directory'): Promise<void> {
  if (!run.options.overwrite) {
    try {
      await session.rename(staged, dest.path, false);
    } catch (error) {
      if ((await session.lstat(dest.path)) !== undefined) throw run.failure('exists', dest.shown, 'remote', 'it appeared during the upload');
      throw error;
    }
    return;
  }
  if (kind === 'file') return session.rename(staged, dest.path, true);
  const existing = await session.lstat(dest.path);
  if (existing === undefined) return session.rename(staged, dest.path, false);
  if (!existing.isDirectory()) throw run.failure('not-a-directory', dest.shown, 'remote', 'a directory cannot replace a file');
  const old = remoteTemporary(dest, 'old');
  await session.rename(dest.path, old, false);
  try {
    await session.rename(staged, dest.path, false);
  } catch (error) {
    await session.rename(old, dest.path, false).catch(() => undefined);
    throw error;
  }
  if (!(await removeRemote(run.channels, old))) await session.removeTree(old).catch(() => undefined);
}

/**
 * Removes what a failed atomic upload staged. Resolves with the path when it could not (the connection is
 * gone: the error then says where it is), else undefined.
 */
export async function discardRemote(run: TransferRun, staged: string, kind: 'file' | 'directory'): Promise<string | undefined> {
  // A tree goes faster with one rm -rf than entry by entry over SFTP.
  if (kind === 'directory' && run.stopped === undefined && (await removeRemote(run.channels, staged, CLEANUP_TIMEOUT_MS))) return undefined;
  const session = await run.cleanupSession();
  if (session !== undefined) {
    try {
      await session.removeTree(staged);
      return undefined;
    } catch {
      // fall through to rm -rf
    }
  }
  return (await removeRemote(run.channels, staged, CLEANUP_TIMEOUT_MS)) ? undefined : staged;
}
