/** One entry of a directory tree being transferred, on either side. */
export interface TreeEntry {
  /** Relative to the tree's root, `/`-separated; `''` for the root itself. */
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink';
  /** Permission bits (`0o7777`). */
  readonly mode: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  readonly atime: number;
  /** Files: bytes; 0 otherwise. */
  readonly size: number;
  /** Symlinks: the target, as it is (never followed). */
  readonly linkTarget?: string | undefined;
  /** Where it is: an absolute local path, or a remote path. */
  readonly source: string;
}

/** The totals `onProgress` reports against. */
export function totalsOf(entries: readonly TreeEntry[]): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of entries) {
    if (entry.type !== 'file') continue;
    files += 1;
    bytes += entry.size;
  }
  return { files, bytes };
}
