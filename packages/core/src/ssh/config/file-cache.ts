/**
 * The files every `$.ssh` handle and every connect reads — private keys, known_hosts, `~/.ssh/config` —
 * read and parsed once per path per process instead of once per host: a group of 192 hosts sharing one key
 * and one known_hosts reads each once. Each use costs one `stat`: when the file's size, mtime, ctime, inode
 * or device differ from the cached read, it is read and parsed again, so an edited file (or one replaced by
 * a rename, or appended to by `hostKeyCheck: 'accept-new'`) is seen at the next handle or connect. A file
 * rewritten in place to the same size within the file system's timestamp granularity is the one edit missed.
 *
 * Entries hold the parsed value, which for a private key is its text: key material stays in memory as
 * long as the entry does (the pools' `Secret`s hold the same bytes anyway). At most `MAX_ENTRIES` files per
 * cache, the oldest read dropped first. Nothing here logs or throws the content: errors are the file
 * system's own (with the path), which callers turn into `ConfigError`s.
 */
import { readFileSync, statSync, type BigIntStats } from 'node:fs';

const MAX_ENTRIES = 64;

/** What a file was when it was read; any difference means it must be read again. */
type Version = string;

const versionOf = (stats: BigIntStats): Version => `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;

interface Entry<T> {
  readonly version: Version;
  readonly value: T;
}

/** Reads and hits per path (never contents), for tests and diagnostics. */
export interface FileCacheStats {
  /** Times each path was read from disk (and parsed). */
  readonly reads: ReadonlyMap<string, number>;
  /** Uses served from the cache, all paths together. */
  readonly hits: number;
  readonly entries: number;
}

export interface FileCache<T> {
  /** The parsed file, or undefined when it does not exist (ENOENT); other errors are thrown as the file system gives them. */
  getSync(path: string): T | undefined;
  /** `getSync` for callers that await (the host-key check of a connect). */
  get(path: string): Promise<T | undefined>;
  stats(): FileCacheStats;
  /** Forgets every entry and count. */
  clear(): void;
}

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

export function createFileCache<T>(parse: (bytes: Buffer, path: string) => T): FileCache<T> {
  const entries = new Map<string, Entry<T>>();
  const reads = new Map<string, number>();
  let hits = 0;

  const remember = (path: string, version: Version, bytes: Buffer): T => {
    const value = parse(bytes, path);
    reads.set(path, (reads.get(path) ?? 0) + 1);
    entries.delete(path);
    entries.set(path, { version, value });
    if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
    return value;
  };
  const cached = (path: string, version: Version): Entry<T> | undefined => {
    const entry = entries.get(path);
    if (entry?.version !== version) return undefined;
    hits += 1;
    return entry;
  };
  const forget = (path: string): undefined => {
    entries.delete(path);
    return undefined;
  };

  const getSync = (path: string): T | undefined => {
    // No exception for a missing file (a host without ~/.ssh/config): building one costs more than the stat.
    const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
    if (stats === undefined) return forget(path);
    const version = versionOf(stats);
    const entry = cached(path, version);
    if (entry !== undefined) return entry.value;
    try {
      return remember(path, version, readFileSync(path));
    } catch (error) {
      if (isMissing(error)) return forget(path);
      throw error;
    }
  };

  return {
    getSync,
    // The same synchronous stat and read: one `stat` is a few µs, while fs/promises' stat cost ~1 ms of the main
    // thread per call under load (a promise, a thread-pool round trip) — per connect of every host of a fleet.
    // A throw in the executor rejects the promise.
    get: (path) => new Promise((resolve) => resolve(getSync(path))),
    stats: () => ({ reads: new Map(reads), hits, entries: entries.size }),
    clear() {
      entries.clear();
      reads.clear();
      hits = 0;
    },
  };
}
