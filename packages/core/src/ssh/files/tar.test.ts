/**
 * The tar writer and reader against this machine's GNU tar: what we write, tar extracts as it was; what tar
 * writes (GNU long names, pax, ustar), we read as it was. Names that ustar cannot hold are the point.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, chmodSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { readTar, TarFormatError, type ReadTarEntry } from './tar-reader.js';
import { tarStream, type TarEntry } from './tar-writer.js';

const NAMES = ['plain', 'with space', 'new\nline', 'ünïcødé', `${'x'.repeat(150)}`, `${'d'.repeat(60)}/${'e'.repeat(60)}`];
const dirs: string[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'rexec-tar-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

async function readAll(archive: Buffer, chunkSize = 7_000): Promise<Array<ReadTarEntry & { data: string }>> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < archive.length; at += chunkSize) pieces.push(archive.subarray(at, at + chunkSize));
  const entries: Array<ReadTarEntry & { data: string }> = [];
  let data: Buffer[] = [];
  for await (const event of readTar(Readable.from(pieces))) {
    if (event.kind === 'entry') {
      entries.push({ ...event.entry, data: '' });
      data = [];
    } else if (event.kind === 'data') data.push(event.data);
    else {
      const last = entries.at(-1);
      if (last !== undefined) last.data = Buffer.concat(data).toString('utf8');
    }
  }
  return entries;
}

describe('tar writer', () => {
  it('GNU tar extracts what it writes: long, newline and unicode names, modes, symlinks with long targets', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'src', 'd'.repeat(60)), { recursive: true });
    const entries: TarEntry[] = [{ path: '', type: 'directory', mode: 0o750, mtime: 1_000_000_000, size: 0 }];
    entries.push({ path: 'd'.repeat(60), type: 'directory', mode: 0o700, mtime: 1_000_000_000, size: 0 });
    for (const name of NAMES) {
      const source = join(dir, 'src', name);
      writeFileSync(source, `content of ${name}`);
      entries.push({ path: name, type: 'file', mode: 0o640, mtime: 1_000_000_000, size: Buffer.byteLength(`content of ${name}`), source });
    }
    entries.push({ path: 'link', type: 'symlink', mode: 0o777, mtime: 1_000_000_000, size: 0, linkTarget: `../${'t'.repeat(200)}` });
    const archive = await collect(tarStream(entries));
    expect(archive.length % 512).toBe(0);
    mkdirSync(join(dir, 'out'));
    execFileSync('tar', ['-xpf', '-', '-C', join(dir, 'out')], { input: archive });
    for (const name of NAMES) {
      expect(readFileSync(join(dir, 'out', name), 'utf8')).toBe(`content of ${name}`);
      expect(lstatSync(join(dir, 'out', name)).mode & 0o7777).toBe(0o640);
    }
    expect(readlinkSync(join(dir, 'out', 'link'))).toBe(`../${'t'.repeat(200)}`);
    expect(lstatSync(join(dir, 'out')).mode & 0o7777).toBe(0o750);
    expect(lstatSync(join(dir, 'out', 'plain')).mtimeMs).toBe(1_000_000_000_000);
  });

  it('a file that changed size while it was read fails the stream', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'f'), 'short');
    await expect(collect(tarStream([{ path: 'f', type: 'file', mode: 0o644, mtime: 0, size: 100, source: join(dir, 'f') }]))).rejects.toThrow(/changed size/);
  });

  it('many small files (read ahead) and a large one go out in pieces of about 256 KiB, in order, and GNU tar extracts them whole', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'src'));
    const entries: TarEntry[] = [];
    const contents = new Map<string, Buffer>();
    for (let i = 0; i < 600; i++) {
      const name = `f${i}`;
      // Sizes that are not multiples of 512, one of them large (read as a stream, its chunks go as they are).
      const data = Buffer.alloc(i === 300 ? 700_000 : 1_000 + i, i % 251);
      writeFileSync(join(dir, 'src', name), data);
      contents.set(name, data);
      entries.push({ path: name, type: 'file', mode: 0o644, mtime: 1_000_000_000, size: data.length, source: join(dir, 'src', name) });
    }
    const seen: string[] = [];
    const pieces: Buffer[] = [];
    for await (const piece of tarStream(entries, { onFile: (entry) => seen.push(entry.path) })) pieces.push(piece);
    const archive = Buffer.concat(pieces);
    // 600 headers and files would be ~1,800 pieces one by one; joined, the archive (~1.6 MB) is a handful.
    expect(pieces.length).toBeLessThan(20);
    expect(seen).toEqual(entries.map((entry) => entry.path));
    mkdirSync(join(dir, 'out'));
    execFileSync('tar', ['-xpf', '-', '-C', join(dir, 'out')], { input: archive, maxBuffer: 64 * 1024 * 1024 });
    for (const [name, data] of contents) expect(readFileSync(join(dir, 'out', name)).equals(data)).toBe(true);
  });

  it('a small file missing when it is read ahead fails the stream with its path', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a'), 'a');
    const entries: TarEntry[] = ['a', 'gone', 'a'].map((name, i) => ({ path: `${name}${i}`, type: 'file', mode: 0o644, mtime: 0, size: 1, source: join(dir, name) }));
    await expect(collect(tarStream(entries))).rejects.toMatchObject({ code: 'ENOENT', path: join(dir, 'gone') });
  });
});

describe('tar reader', () => {
  for (const format of ['gnu', 'pax', 'ustar'] as const) {
    it(`reads GNU tar's ${format} archives, in chunks of any size`, async () => {
      const dir = scratch();
      const src = join(dir, 'src');
      mkdirSync(join(src, 'sub'), { recursive: true });
      const names = format === 'ustar' ? NAMES.filter((name) => Buffer.byteLength(name) <= 100 || name.includes('/')) : NAMES;
      if (names.some((name) => name.includes('/'))) mkdirSync(join(src, 'd'.repeat(60)), { recursive: true });
      for (const name of names) writeFileSync(join(src, name), `content of ${name}`);
      chmodSync(join(src, 'plain'), 0o751);
      symlinkSync('plain', join(src, 'sub', 'link'));
      linkSync(join(src, 'plain'), join(src, 'sub', 'hard'));
      const archive = execFileSync('tar', [`--format=${format}`, '-cf', '-', '-C', src, '.'], { maxBuffer: 64 * 1024 * 1024 });
      for (const chunkSize of [1, 511, 7_000, 1 << 20]) {
        if (chunkSize === 1 && archive.length > 40_000) continue;
        const entries = await readAll(archive, chunkSize);
        const byPath = new Map(entries.map((entry) => [entry.path.replace(/^\.\//, '').replace(/\/$/, ''), entry]));
        for (const name of names) {
          // `plain` and `sub/hard` are one file: whichever comes second is a hard link, without data.
          if (byPath.get(name)?.type === 'hardlink') continue;
          expect(byPath.get(name)?.data).toBe(`content of ${name}`);
        }
        expect(byPath.get('plain')?.mode).toBe(0o751);
        expect(byPath.get('sub/link')).toMatchObject({ type: 'symlink', linkTarget: 'plain' });
        const hard = [byPath.get('sub/hard'), byPath.get('plain')];
        expect(hard.map((entry) => entry?.type).sort()).toEqual(['file', 'hardlink']);
        expect(byPath.get('')?.type).toBe('directory'); // the root, `./`
      }
    });
  }

  it('a stream cut before the end of the archive is an error, never a complete transfer', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'f'), 'x'.repeat(5000));
    const archive = execFileSync('tar', ['-cf', '-', '-C', dir, 'f']);
    await expect(readAll(archive.subarray(0, 2048))).rejects.toBeInstanceOf(TarFormatError);
    await expect(readAll(archive.subarray(0, 512 * 11))).rejects.toThrow(/ended early/);
    await expect(readAll(Buffer.alloc(512, 7))).rejects.toThrow(/checksum/);
  });
});
