/**
 * The entries of a remote directory over SFTP, for a download: files, directories and symlinks (read as
 * links, never followed), the root first and every directory before what it holds, names in sorted order.
 * Other kinds (sockets, FIFOs, devices) are left out. `filter` sees every entry below the root.
 */
import type { Attributes } from 'ssh2';
import type { SftpSession } from './sftp-session.js';
import { remoteJoin } from './transfer-paths.js';
import type { TreeEntry } from './tree-entry.js';
import type { TransferEntry } from './transfer-types.js';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function typeOf(mode: number): TreeEntry['type'] | undefined {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return 'file';
    case S_IFDIR:
      return 'directory';
    case S_IFLNK:
      return 'symlink';
    default:
      return undefined;
  }
}

function entryOf(path: string, source: string, attrs: Attributes, linkTarget?: string): TreeEntry | undefined {
  const type = typeOf(attrs.mode);
  if (type === undefined) return undefined;
  return { path, type, mode: attrs.mode & 0o7777, mtime: attrs.mtime, atime: attrs.atime, size: type === 'file' ? attrs.size : 0, linkTarget, source };
}

/** `root` must be a directory; `rootAttrs` its stat (following a symlink at the root itself). */
export async function walkRemoteTree(session: SftpSession, root: string, rootAttrs: Attributes, filter: ((entry: TransferEntry) => boolean) | undefined): Promise<TreeEntry[]> {
  const top = entryOf('', root, rootAttrs);
  if (top === undefined) return [];
  const entries: TreeEntry[] = [top];
  const visit = async (dir: string, relative: string): Promise<void> => {
    const list = (await session.readdir(dir)).filter((item) => item.filename !== '.' && item.filename !== '..' && !item.filename.includes('/'));
    list.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
    for (const item of list) {
      const source = remoteJoin(dir, item.filename);
      const path = relative === '' ? item.filename : `${relative}/${item.filename}`;
      const type = typeOf(item.attrs.mode);
      const link = type === 'symlink' ? await session.readlink(source) : undefined;
      const entry = entryOf(path, source, item.attrs, link);
      if (entry === undefined) continue;
      if (filter !== undefined && !filter({ path, type: entry.type, size: entry.size })) continue;
      entries.push(entry);
      if (entry.type === 'directory') await visit(source, path);
    }
  };
  await visit(root, '');
  return entries;
}
