import { chmodSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp-dir.js';
import { createFileCache } from './file-cache.js';

/** A cache whose parse counts its calls, so a test sees every read from disk. */
function countingCache() {
  const parsed: string[] = [];
  const cache = createFileCache((bytes, path) => {
    parsed.push(path);
    return bytes.toString('utf8');
  });
  return { cache, parsed };
}

describe('createFileCache', () => {
  it('reads a file once for any number of uses, sync and async alike', async () => {
    const dir = tempDir();
    const path = join(dir, 'known_hosts');
    writeFileSync(path, 'one\n');
    const { cache, parsed } = countingCache();
    for (let i = 0; i < 50; i++) expect(cache.getSync(path)).toBe('one\n');
    const texts = await Promise.all(Array.from({ length: 50 }, () => cache.get(path)));
    expect(new Set(texts)).toEqual(new Set(['one\n']));
    expect(parsed).toEqual([path]);
    expect(cache.stats().reads.get(path)).toBe(1);
    expect(cache.stats().hits).toBe(99);
  });

  it('connects that start together read once', async () => {
    const dir = tempDir();
    const path = join(dir, 'key');
    writeFileSync(path, 'k');
    const { cache, parsed } = countingCache();
    await Promise.all(Array.from({ length: 32 }, () => cache.get(path)));
    expect(parsed).toHaveLength(1);
  });

  it('reads the file again when it changed: edited, appended to, replaced by a rename, touched', async () => {
    const dir = tempDir();
    const path = join(dir, 'known_hosts');
    const { cache, parsed } = countingCache();
    writeFileSync(path, 'a\n');
    expect(cache.getSync(path)).toBe('a\n');
    writeFileSync(path, 'a\nb\n');
    expect(await cache.get(path)).toBe('a\nb\n');
    const other = join(dir, 'next');
    writeFileSync(other, 'c\nd\n');
    renameSync(other, path);
    expect(cache.getSync(path)).toBe('c\nd\n');
    utimesSync(path, new Date(2001, 0, 1), new Date(2001, 0, 1));
    expect(cache.getSync(path)).toBe('c\nd\n');
    expect(parsed).toHaveLength(4);
  });

  it('gives undefined for a missing file and forgets what it had; other errors are the file system’s', async () => {
    const dir = tempDir();
    const path = join(dir, 'config');
    const { cache } = countingCache();
    expect(cache.getSync(path)).toBeUndefined();
    expect(await cache.get(path)).toBeUndefined();
    writeFileSync(path, 'x');
    expect(cache.getSync(path)).toBe('x');
    rmSync(path);
    expect(await cache.get(path)).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
    expect(() => cache.getSync(dir)).toThrow(expect.objectContaining({ code: 'EISDIR' }) as Error);
    if (process.getuid?.() !== 0) {
      writeFileSync(path, 'y');
      chmodSync(path, 0o000);
      await expect(cache.get(path)).rejects.toMatchObject({ code: 'EACCES' });
    }
  });

  it('keeps at most 64 files, dropping the oldest read', () => {
    const dir = tempDir();
    const { cache, parsed } = countingCache();
    const paths = Array.from({ length: 65 }, (_, i) => join(dir, `f${i}`));
    for (const path of paths) writeFileSync(path, path);
    for (const path of paths) cache.getSync(path);
    expect(cache.stats().entries).toBe(64);
    cache.getSync(paths[64]!);
    cache.getSync(paths[0]!);
    expect(parsed).toHaveLength(66);
  });
});
