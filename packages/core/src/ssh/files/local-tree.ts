/**
 * The entries of a local directory, for an upload: files, directories and symlinks (as links: a symlink is
 * never followed, so nothing outside the tree is read), the root first and every directory before what it
 * holds, names in sorted order. Sockets, FIFOs and devices are left out. `filter` sees every entry below the root.
 */
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import type { TreeEntry } from './tree-entry.js';
import type { TransferEntry } from './transfer-types.js';

function typeOf(stats: Stats): TreeEntry['type'] | undefined {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  return undefined;
}

export function entryOf(path: string, source: string, stats: Stats, linkTarget?: string): TreeEntry | undefined {
  const type = typeOf(stats);
  if (type === undefined) return undefined;
  return {
    path,
    type,
    mode: stats.mode & 0o7777,
    mtime: Math.floor(stats.mtimeMs / 1000),
    atime: Math.floor(stats.atimeMs / 1000),
    size: type === 'file' ? stats.size : 0,
    linkTarget,
    source,
  };
}

/** `root` must be a directory (already stat'ed, following a symlink at the root itself: `rootStats`). */
export async function walkLocalTree(root: string, rootStats: Stats, filter: ((entry: TransferEntry) => boolean) | undefined): Promise<TreeEntry[]> {
  const top = entryOf('', root, rootStats);
  if (top === undefined) return [];
  const entries: TreeEntry[] = [top];
  const visit = async (dir: string, relative: string): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const source = join(dir, name);
      const path = relative === '' ? name : `${relative}/${name}`;
      const stats = await lstat(source);
      const link = stats.isSymbolicLink() ? await readlink(source) : undefined;
      const entry = entryOf(path, source, stats, link);
      if (entry === undefined) continue;
      if (filter !== undefined && !filter({ path, type: entry.type, size: entry.size })) continue;
      entries.push(entry);
      if (entry.type === 'directory') await visit(source, path);
    }
  };
  await visit(root, '');
  return entries;
}
