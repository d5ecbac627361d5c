/**
 * `remote.upload()` against the harness sshd (docs/files.md): single files over SFTP (path, Buffer, stream),
 * directories as one tar stream, every option, and binary round trips. The host is this machine, so the
 * remote end is checked on the file system directly.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { testHost } from '@rexec/testing';
import type { SFTPWrapper } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { $, ConfigError, type TransferProgress } from '../../src/index.js';
import { record, targetOf } from '../ssh-pool/support.js';
import { allBytes, expectNoLeftovers, failure, makeTree, namesIn, sha256, sha256sum, shapeOf, tempDir } from './support.js';

const host = testHost();
const remote = $.ssh(targetOf(host));
afterAll(async () => {
  await remote.closePool();
});


describe('upload: single files over SFTP', () => {
  it('a file keeps its bytes and mode; the result counts one file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'source.sh'), '#!/bin/sh\necho hi\n');
    const { chmodSync } = await import('node:fs');
    chmodSync(join(dir, 'source.sh'), 0o751);
    const result = await remote.upload(join(dir, 'source.sh'), join(dir, 'dest.sh'));
    expect(result).toMatchObject({ files: 1, bytes: 18, via: 'sftp' });
    expect(result.duration).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'dest.sh'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(statSync(join(dir, 'dest.sh')).mode & 0o7777).toBe(0o751);
    expectNoLeftovers(dir);
  });

  it('a Buffer of all 256 byte values arrives exactly, with `mode` (default 0644 for a Buffer)', async () => {
    const dir = tempDir();
    await remote.upload(allBytes(), join(dir, 'bytes.bin'), { mode: 0o600 });
    expect(readFileSync(join(dir, 'bytes.bin')).equals(allBytes())).toBe(true);
    expect(statSync(join(dir, 'bytes.bin')).mode & 0o7777).toBe(0o600);
    await remote.upload(Buffer.from('x'), join(dir, 'default-mode'));
    expect(statSync(join(dir, 'default-mode')).mode & 0o7777).toBe(0o644);
    await remote.upload(Buffer.alloc(0), join(dir, 'empty'));
    expect(readFileSync(join(dir, 'empty')).length).toBe(0);
  });

  it('a stream of unknown length, with verify: progress has no totalBytes, the file is whole', async () => {
    const dir = tempDir();
    const parts = Array.from({ length: 40 }, () => randomBytes(64 * 1024));
    const seen: TransferProgress[] = [];
    const result = await remote.upload(Readable.from(parts), join(dir, 'streamed'), { verify: true, onProgress: (progress) => seen.push(progress) });
    expect(result.bytes).toBe(40 * 64 * 1024);
    expect(sha256(readFileSync(join(dir, 'streamed')))).toBe(sha256(Buffer.concat(parts)));
    expect(seen.at(-1)).toMatchObject({ bytes: 40 * 64 * 1024, totalBytes: undefined, files: 1, totalFiles: 1 });
  });

  it('a 50 MiB random file: many writes in flight, sha256 equal at both ends, progress throttled', async () => {
    const dir = tempDir();
    const data = randomBytes(50 * 1024 * 1024);
    writeFileSync(join(dir, 'big'), data);
    const seen: Array<TransferProgress & { at: number }> = [];
    const started = performance.now();
    const result = await remote.upload(join(dir, 'big'), join(dir, 'big.copy'), { verify: true, onProgress: (progress) => seen.push({ ...progress, at: performance.now() }) });
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ files: 1, bytes: data.length, via: 'sftp' });
    expect(sha256sum(join(dir, 'big.copy'))).toBe(sha256(data));
    // Throttled: at most one call per 100 ms (plus the last), the last one complete.
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    for (let i = 1; i < seen.length - 1; i++) expect((seen[i]?.at ?? 0) - (seen[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(95);
    expect(seen.at(-1)).toMatchObject({ bytes: data.length, totalBytes: data.length, files: 1, totalFiles: 1 });
    // One request at a time would take a round trip per 256 KiB; in flight it is a matter of bandwidth.
    expect(elapsed).toBeLessThan(15_000);
  }, 30_000);

  it("writes are never larger than the server takes in one request (ssh2 would split them into requests sent one after the other), and small stream chunks are joined", async () => {
    // The SFTP class's write, seen through a session of our own on a borrowed connection: transfers use the same class.
    const conn = await remote.acquire();
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => conn.client.sftp((error, session) => (error ? reject(error) : resolve(session))));
    const proto = Object.getPrototypeOf(sftp) as { write: (...args: unknown[]) => unknown };
    const original = proto.write;
    const lengths: number[] = [];
    proto.write = function (this: unknown, ...args: unknown[]) {
      lengths.push(args[3] as number);
      return original.apply(this, args);
    };
    try {
      sftp.end();
      await remote.release(conn);
      const dir = tempDir();
      const data = randomBytes(3 * 1024 * 1024 + 5);
      writeFileSync(join(dir, 'big'), data);
      await remote.upload(join(dir, 'big'), join(dir, 'big.copy'));
      expect(sha256(readFileSync(join(dir, 'big.copy')))).toBe(sha256(data));
      // OpenSSH's max-write-length is 255 KiB: one request per 255 KiB, each whole (a split one shows as two calls).
      expect(Math.max(...lengths)).toBe(255 * 1024);
      expect(lengths).toHaveLength(Math.ceil(data.length / (255 * 1024)));
      lengths.length = 0;
      const parts = Array.from({ length: 64 }, () => randomBytes(16 * 1024));
      await remote.upload(Readable.from(parts), join(dir, 'streamed'));
      expect(readFileSync(join(dir, 'streamed')).equals(Buffer.concat(parts))).toBe(true);
      expect(lengths).toEqual([...Array<number>(4).fill(255 * 1024), 1024 * 1024 - 4 * 255 * 1024]);
    } finally {
      proto.write = original;
    }
  });

  it('mkdir creates missing parents; without it the missing parent is a TransferError naming it', async () => {
    const dir = tempDir();
    const dest = join(dir, 'a', 'b c', 'file');
    const missing = await failure(remote.upload(Buffer.from('x'), dest));
    expect(missing).toMatchObject({ code: 'ERR_TRANSFER', problem: 'not-found', side: 'remote', path: join(dir, 'a', 'b c'), direction: 'upload' });
    expect(missing.message).toMatch(/mkdir: true/);
    await remote.upload(Buffer.from('x'), dest, { mkdir: true });
    expect(readFileSync(dest, 'utf8')).toBe('x');
  });

  it('overwrite: false refuses an existing file and leaves it as it was; the default replaces it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'there'), 'old');
    const exists = await failure(remote.upload(Buffer.from('new'), join(dir, 'there'), { overwrite: false }));
    expect(exists).toMatchObject({ problem: 'exists', path: join(dir, 'there') });
    expect(readFileSync(join(dir, 'there'), 'utf8')).toBe('old');
    await remote.upload(Buffer.from('new'), join(dir, 'there'));
    expect(readFileSync(join(dir, 'there'), 'utf8')).toBe('new');
    await remote.upload(Buffer.from('fresh'), join(dir, 'not-there'), { overwrite: false });
    expect(readFileSync(join(dir, 'not-there'), 'utf8')).toBe('fresh');
    expectNoLeftovers(dir);
  });

  it('preserveTimes keeps the modification time; without it the file is new', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'old'), 'x');
    utimesSync(join(dir, 'old'), new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));
    await remote.upload(join(dir, 'old'), join(dir, 'kept'), { preserveTimes: true });
    await remote.upload(join(dir, 'old'), join(dir, 'fresh'));
    expect(statSync(join(dir, 'kept')).mtime.toISOString()).toBe('2001-02-03T04:05:06.000Z');
    expect(statSync(join(dir, 'fresh')).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
  });

  it('atomic (default): while it runs, dest does not exist and a temporary sibling does; atomic: false writes dest in place', async () => {
    const dir = tempDir();
    const data = randomBytes(8 * 1024 * 1024);
    const slow = (): Readable => Readable.from((async function* () {
      for (let at = 0; at < data.length; at += 1024 * 1024) {
        yield data.subarray(at, at + 1024 * 1024);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    })());
    const during: string[][] = [];
    await remote.upload(slow(), join(dir, 'atomic'), { onProgress: () => during.push(namesIn(dir)) });
    expect(during.some((names) => !names.includes('atomic') && names.some((name) => /^\.atomic\.rexec-[0-9a-f]+\.tmp$/.test(name)))).toBe(true);
    const inPlace: string[][] = [];
    await remote.upload(slow(), join(dir, 'in-place'), { atomic: false, onProgress: () => inPlace.push(namesIn(dir)) });
    expect(inPlace.some((names) => names.includes('in-place'))).toBe(true);
    expect(readFileSync(join(dir, 'in-place')).equals(data)).toBe(true);
    expectNoLeftovers(dir);
  });

  it('verify: a copy changed under the transfer is verify-failed, and nothing is left at dest', async () => {
    const dir = tempDir();
    const { openSync, writeSync, closeSync } = await import('node:fs');
    // The source ends only after it scribbled on the remote temporary file: the two ends then differ.
    const tampering = Readable.from((async function* () {
      yield Buffer.alloc(1024, 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const staged = namesIn(dir).find((name) => name.includes('.rexec-'));
      if (staged === undefined) throw new Error('no staged file seen');
      const fd = openSync(join(dir, staged), 'r+');
      writeSync(fd, 'tampered', 4096);
      closeSync(fd);
    })());
    const error = await failure(remote.upload(tampering, join(dir, 'checked'), { verify: true }));
    expect(error).toMatchObject({ problem: 'verify-failed', path: join(dir, 'checked') });
    expect(existsSync(join(dir, 'checked'))).toBe(false);
    expectNoLeftovers(dir);
  });

  it('abort through signal, and timeout: typed errors, nothing at dest, no temporary left', async () => {
    const dir = tempDir();
    const endless = (): Readable => {
      const stream = new PassThrough();
      const timer = setInterval(() => stream.write(Buffer.alloc(64 * 1024)), 5);
      stream.on('close', () => clearInterval(timer));
      return stream;
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const stream1 = endless();
    const aborted = await failure(remote.upload(stream1, join(dir, 'aborted'), { signal: controller.signal }));
    stream1.destroy();
    expect(aborted).toMatchObject({ problem: 'aborted', retryable: false });
    const stream2 = endless();
    const timedOut = await failure(remote.upload(stream2, join(dir, 'timed-out'), { timeout: 300 }));
    stream2.destroy();
    expect(timedOut).toMatchObject({ problem: 'timeout', retryable: true });
    expect(existsSync(join(dir, 'aborted'))).toBe(false);
    expect(existsSync(join(dir, 'timed-out'))).toBe(false);
    expectNoLeftovers(dir);
    // An already aborted signal: nothing starts.
    const early = await failure(remote.upload(Buffer.from('x'), join(dir, 'never'), { signal: AbortSignal.abort() }));
    expect(early.problem).toBe('aborted');
  });

  it('each SFTP session is a lease of the pool: counted in stats and events while it runs, given back after', async () => {
    const dir = tempDir();
    const acquired = record(remote, 'connection:acquire');
    const released = record(remote, 'connection:release');
    let leasesDuring = 0;
    await remote.upload(randomBytes(4 * 1024 * 1024), join(dir, 'leased'), { onProgress: () => (leasesDuring = Math.max(leasesDuring, remote.getPoolStats().leases)) });
    expect(leasesDuring).toBeGreaterThanOrEqual(1);
    expect(acquired.length).toBeGreaterThanOrEqual(1);
    expect(released.length).toBe(acquired.length);
    expect(remote.getPoolStats().leases).toBe(0);
  });

  it('bad arguments and options are ConfigErrors, thrown before anything connects', async () => {
    await expect(remote.upload(42 as unknown as Buffer, '/tmp/x')).rejects.toBeInstanceOf(ConfigError);
    await expect(remote.upload(Buffer.from('x'), '')).rejects.toBeInstanceOf(ConfigError);
    await expect(remote.upload(Buffer.from('x'), '/tmp/x', { mode: 0o10000 })).rejects.toMatchObject({ option: 'mode' });
    await expect(remote.upload(Buffer.from('x'), '/tmp/x', { concurrency: 0 })).rejects.toMatchObject({ option: 'concurrency' });
    await expect(remote.upload(Buffer.from('x'), '/tmp/x', { bogus: true } as never)).rejects.toMatchObject({ option: 'bogus' });
    await expect(remote.upload(Buffer.from('x'), '/tmp/x', { timeout: -1 })).rejects.toMatchObject({ option: 'timeout' });
  });
});

describe('upload: directories', () => {
  it('a tree becomes dest itself (one tar stream): directories, modes, symlinks as links, awkward names, empty files and dirs', async () => {
    const dir = tempDir();
    makeTree(join(dir, 'tree'), join(dir, 'outside'));
    const result = await remote.upload(join(dir, 'tree'), join(dir, 'copy'), { verify: true });
    expect(result.via).toBe('tar');
    expect(shapeOf(join(dir, 'copy'))).toEqual(shapeOf(join(dir, 'tree')));
    // The link out of the tree is a link, never followed: nothing of `outside` was copied.
    expect(lstatSync(join(dir, 'copy', 'link-outside')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'copy', 'link-outside'))).toBe(join(dir, 'outside'));
    expect(result.files).toBe(Object.values(shapeOf(join(dir, 'tree'))).filter((shape) => shape.type === 'file').length);
    expectNoLeftovers(dir);
  });

  it('many small files go in one tar stream over one exec channel', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'many'));
    for (let i = 0; i < 400; i++) writeFileSync(join(dir, 'many', `file-${i}`), randomBytes(512 + i));
    const acquired = record(remote, 'connection:acquire');
    const started = performance.now();
    const result = await remote.upload(join(dir, 'many'), join(dir, 'many.copy'));
    expect(result).toMatchObject({ files: 400, via: 'tar' });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(shapeOf(join(dir, 'many.copy'))).toEqual(shapeOf(join(dir, 'many')));
    // An SFTP session for the checks and the rename, one exec for tar: a handful of leases, not one per file.
    expect(acquired.length).toBeLessThan(6);
  });

  it('filter leaves entries out (a directory with everything in it); preserveTimes keeps directory and file times', async () => {
    const dir = tempDir();
    makeTree(join(dir, 'tree'), join(dir, 'outside'));
    utimesSync(join(dir, 'tree', 'plain.txt'), new Date('2010-01-01T00:00:00Z'), new Date('2010-01-01T00:00:00Z'));
    utimesSync(join(dir, 'tree', 'sub', 'deeper'), new Date('2011-01-01T00:00:00Z'), new Date('2011-01-01T00:00:00Z'));
    const seen: string[] = [];
    await remote.upload(join(dir, 'tree'), join(dir, 'filtered'), {
      preserveTimes: true,
      filter: (entry) => {
        seen.push(`${entry.type}:${entry.path}`);
        return entry.path !== 'private' && !entry.path.endsWith('.sh');
      },
    });
    expect(seen).toContain('directory:private');
    expect(seen).toContain('file:sub/deeper/bytes.bin');
    expect(seen).not.toContain('file:private/secret');
    expect(existsSync(join(dir, 'filtered', 'private'))).toBe(false);
    expect(existsSync(join(dir, 'filtered', 'script.sh'))).toBe(false);
    expect(existsSync(join(dir, 'filtered', 'plain.txt'))).toBe(true);
    expect(statSync(join(dir, 'filtered', 'plain.txt')).mtime.toISOString()).toBe('2010-01-01T00:00:00.000Z');
    expect(statSync(join(dir, 'filtered', 'sub', 'deeper')).mtime.toISOString()).toBe('2011-01-01T00:00:00.000Z');
  });

  it('an existing directory is replaced whole (nothing of the old tree stays); overwrite: false refuses it', async () => {
    const dir = tempDir();
    makeTree(join(dir, 'tree'), join(dir, 'outside'));
    mkdirSync(join(dir, 'copy'));
    writeFileSync(join(dir, 'copy', 'stale'), 'old');
    const exists = await failure(remote.upload(join(dir, 'tree'), join(dir, 'copy'), { overwrite: false }));
    expect(exists).toMatchObject({ problem: 'exists', path: join(dir, 'copy') });
    expect(readFileSync(join(dir, 'copy', 'stale'), 'utf8')).toBe('old');
    await remote.upload(join(dir, 'tree'), join(dir, 'copy'));
    expect(shapeOf(join(dir, 'copy'))).toEqual(shapeOf(join(dir, 'tree')));
    expectNoLeftovers(dir);
  });

  it('atomic: false merges into an existing directory', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'new'), 'new');
    mkdirSync(join(dir, 'dest'));
    writeFileSync(join(dir, 'dest', 'kept'), 'kept');
    await remote.upload(join(dir, 'src'), join(dir, 'dest'), { atomic: false });
    expect(namesIn(join(dir, 'dest'))).toEqual(['kept', 'new']);
  });
});

describe('upload: bad input', () => {
  it('a missing local source: not-found, naming the local path', async () => {
    const dir = tempDir();
    const error = await failure(remote.upload(join(dir, 'nope'), join(dir, 'dest')));
    expect(error).toMatchObject({ problem: 'not-found', side: 'local', path: join(dir, 'nope') });
    expect(error.message).toContain(join(dir, 'nope'));
  });

  it('a file where a directory is expected: a parent of dest is a file, or a directory would replace a file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    const parent = await failure(remote.upload(Buffer.from('x'), join(dir, 'file', 'child'), { mkdir: true }));
    expect(parent).toMatchObject({ problem: 'not-a-directory', side: 'remote', path: join(dir, 'file') });
    mkdirSync(join(dir, 'tree'));
    const replace = await failure(remote.upload(join(dir, 'tree'), join(dir, 'file')));
    expect(replace).toMatchObject({ problem: 'not-a-directory', path: join(dir, 'file') });
    mkdirSync(join(dir, 'a-dir'));
    const isDir = await failure(remote.upload(Buffer.from('x'), join(dir, 'a-dir')));
    expect(isDir).toMatchObject({ problem: 'is-a-directory', path: join(dir, 'a-dir') });
    expect(readFileSync(join(dir, 'file'), 'utf8')).toBe('x');
  });

  it('a socket or a device as source: unsupported', async () => {
    const error = await failure(remote.upload('/dev/null', join(tempDir(), 'null')));
    expect(error).toMatchObject({ problem: 'unsupported', side: 'local', path: '/dev/null' });
  });
});
