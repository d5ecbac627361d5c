/**
 * Builds a directory tree on this machine from entries that came from the remote host (a tar stream or an
 * SFTP listing), inside `root` (a fresh directory). Nothing is ever written outside it: a path with `..`, an
 * absolute path, or a path through a symlink the tree itself holds is refused (an archive could otherwise
 * plant `link -> /etc` and then `link/passwd`). Directories are made `0700` while they fill and get their own
 * mode (and times) at the end, deepest first, so a read-only directory does not stop its own contents.
 */
import { chmod, link, lutimes, mkdir, open, symlink, utimes, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { safeRelativeParts } from './transfer-paths.js';

export class UnsafePathError extends Error {
  override readonly name = 'UnsafePathError';
  constructor(readonly path: string, why: string) {
    super(`refused to write ${JSON.stringify(path)}: ${why}`);
  }
}

interface DirectoryFinish {
  readonly path: string;
  readonly mode: number;
  readonly mtime: number;
  readonly atime: number;
}

export interface OpenLocalFile {
  write(data: Buffer): Promise<void>;
  /** Closes the file and gives it its mode (and times). */
  finish(): Promise<void>;
  /** Closes it after a failure. */
  abandon(): Promise<void>;
}

export class LocalTreeWriter {
  /** Relative paths of the directories made so far (`''` is the root). */
  private readonly dirs = new Set<string>(['']);
  /** Relative paths of the files and symlinks made so far. */
  private readonly others = new Map<string, 'file' | 'symlink'>();
  private readonly finishes: DirectoryFinish[] = [];

  constructor(
    readonly root: string,
    private readonly keepTimes: boolean,
  ) {}

  /** The checked parts of `path`, its parents made as needed. */
  private async place(path: string): Promise<string[]> {
    const parts = safeRelativeParts(path);
    if (parts === undefined) throw new UnsafePathError(path, 'absolute paths and ".." are not allowed');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (this.dirs.has(parent)) continue;
      if (this.others.has(parent)) throw new UnsafePathError(path, `${JSON.stringify(parent)} is a ${this.others.get(parent)} in the tree, not a directory`);
      await mkdir(join(this.root, ...parts.slice(0, i)), { mode: 0o700 });
      this.dirs.add(parent);
    }
    return parts;
  }

  async directory(path: string, mode: number, mtime: number, atime = mtime): Promise<void> {
    const parts = await this.place(path);
    const relative = parts.join('/');
    if (this.others.has(relative)) throw new UnsafePathError(path, 'a file of the same name came first');
    if (!this.dirs.has(relative)) {
      await mkdir(join(this.root, ...parts), { mode: 0o700 });
      this.dirs.add(relative);
    }
    this.finishes.push({ path: join(this.root, ...parts), mode, mtime, atime });
  }

  async file(path: string, mode: number, mtime: number, atime = mtime): Promise<OpenLocalFile> {
    const parts = await this.place(path);
    const relative = parts.join('/');
    if (parts.length === 0 || this.dirs.has(relative) || this.others.get(relative) === 'symlink') throw new UnsafePathError(path, 'not a file in the tree');
    const target = join(this.root, ...parts);
    // 'w' and not 'wx': an archive may hold the same file twice (the later one wins, as with tar -x).
    const handle: FileHandle = await open(target, 'w', 0o600);
    this.others.set(relative, 'file');
    const keepTimes = this.keepTimes;
    return {
      async write(data) {
        let at = 0;
        while (at < data.length) at += (await handle.write(data, at, data.length - at)).bytesWritten;
      },
      async finish() {
        await handle.close();
        await chmod(target, mode);
        if (keepTimes) await utimes(target, atime, mtime);
      },
      async abandon() {
        await handle.close().catch(() => undefined);
      },
    };
  }

  async symlink(path: string, linkTarget: string, mtime: number): Promise<void> {
    const parts = await this.place(path);
    const relative = parts.join('/');
    if (parts.length === 0 || this.dirs.has(relative) || this.others.has(relative)) throw new UnsafePathError(path, 'a symlink over an entry already in the tree');
    const at = join(this.root, ...parts);
    await symlink(linkTarget, at);
    this.others.set(relative, 'symlink');
    if (this.keepTimes) await lutimes(at, mtime, mtime).catch(() => undefined);
  }

  /** A hard link to a file already in the tree (tar stores a second name of a file this way). */
  async hardlink(path: string, existing: string): Promise<void> {
    const parts = await this.place(path);
    const existingParts = safeRelativeParts(existing);
    if (existingParts === undefined || this.others.get(existingParts.join('/')) !== 'file') throw new UnsafePathError(path, `a hard link to ${JSON.stringify(existing)}, which is not a file of the tree`);
    const relative = parts.join('/');
    if (parts.length === 0 || this.dirs.has(relative) || this.others.has(relative)) throw new UnsafePathError(path, 'a hard link over an entry already in the tree');
    await link(join(this.root, ...existingParts), join(this.root, ...parts));
    this.others.set(relative, 'file');
  }

  /** Gives every directory its mode and times, deepest first. */
  async finish(): Promise<void> {
    const ordered = [...this.finishes].sort((a, b) => b.path.length - a.path.length);
    for (const dir of ordered) {
      await chmod(dir.path, dir.mode);
      if (this.keepTimes) await utimes(dir.path, dir.atime, dir.mtime);
    }
  }
}
