/**
 * `remote.download()` against the harness sshd (docs/files.md): single files over SFTP into a path or a
 * stream, directories as one tar stream (or over SFTP with a filter), every option, binary round trips.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { testHost } from '@rexec/testing';
import type { SFTPWrapper } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { $, ConfigError, type TransferProgress } from '../../src/index.js';
import { targetOf } from '../ssh-pool/support.js';
import { allBytes, expectNoLeftovers, failure, makeTree, namesIn, sha256, sha256sum, shapeOf, tempDir } from './support.js';

const host = testHost();
const remote = $.ssh(targetOf(host));
afterAll(async () => {
  await remote.closePool();
});


/** A Writable that keeps what it is given. */
function collector(): { stream: Writable; data: () => Buffer } {
  const parts: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      // A slow consumer: the download must wait for it, not buffer the file.
      setImmediate(done);
    },
  });
  return { stream, data: () => Buffer.concat(parts) };
}

describe('download: single files over SFTP', () => {
  it('all 256 byte values round trip: upload a Buffer, download to a path and to a stream', async () => {
    const dir = tempDir();
    await remote.upload(allBytes(), join(dir, 'bytes.bin'), { mode: 0o640 });
    const result = await remote.download(join(dir, 'bytes.bin'), join(dir, 'back.bin'));
    expect(result).toMatchObject({ files: 1, bytes: 1024, via: 'sftp' });
    expect(readFileSync(join(dir, 'back.bin')).equals(allBytes())).toBe(true);
    expect(statSync(join(dir, 'back.bin')).mode & 0o7777).toBe(0o640);
    const sink = collector();
    await remote.download(join(dir, 'bytes.bin'), sink.stream);
    expect(sink.data().equals(allBytes())).toBe(true);
    expect(sink.stream.writableFinished).toBe(true);
  });

  it("gives the SFTP channel's window back as each read is answered, as OpenSSH does (ssh2 alone waits until half of it is used)", async () => {
    // The SFTP class's read, seen through a session of our own on a borrowed connection: transfers use the same class.
    const conn = await remote.acquire();
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => conn.client.sftp((error, session) => (error ? reject(error) : resolve(session))));
    const proto = Object.getPrototypeOf(sftp) as { read: (...args: unknown[]) => unknown };
    const original = proto.read;
    const windows: number[] = [];
    proto.read = function (this: { incoming: { window: number } }, ...args: unknown[]) {
      const callback = args[5] as (...results: unknown[]) => void;
      // After the transfer's own callback: the window as the reply left it.
      args[5] = (...results: unknown[]) => {
        callback(...results);
        windows.push(this.incoming.window);
      };
      return original.apply(this, args);
    };
    try {
      sftp.end();
      await remote.release(conn);
      const dir = tempDir();
      const data = randomBytes(8 * 1024 * 1024);
      writeFileSync(join(dir, 'big'), data);
      await remote.download(join(dir, 'big'), join(dir, 'big.copy'));
      expect(readFileSync(join(dir, 'big.copy')).equals(data)).toBe(true);
      expect(windows.length).toBeGreaterThanOrEqual(128);
      // Never more than three packets and a read's reply short of the full 2 MiB (ssh2 alone lets it fall to 1 MiB).
      expect(Math.min(...windows)).toBeGreaterThanOrEqual(2 * 1024 * 1024 - 3 * 32 * 1024 - 64 * 1024);
    } finally {
      proto.read = original;
    }
  });

  it('asks for the next piece before it waits for the destination: reads stay in flight while a slow sink writes', async () => {
    const conn = await remote.acquire();
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => conn.client.sftp((error, session) => (error ? reject(error) : resolve(session))));
    const proto = Object.getPrototypeOf(sftp) as { read: (...args: unknown[]) => unknown };
    const original = proto.read;
    let issued = 0;
    proto.read = function (this: unknown, ...args: unknown[]) {
      issued++;
      return original.apply(this, args);
    };
    try {
      sftp.end();
      await remote.release(conn);
      const dir = tempDir();
      const data = randomBytes(4 * 1024 * 1024);
      writeFileSync(join(dir, 'big'), data);
      const issuedAtWrite: number[] = [];
      const parts: Buffer[] = [];
      // Takes each piece after 20 ms; holds at most one (highWaterMark 1), so the download waits on it.
      const slow = new Writable({
        highWaterMark: 1,
        write(chunk: Buffer, _encoding, done) {
          issuedAtWrite.push(issued);
          parts.push(chunk);
          setTimeout(done, 20);
        },
      });
      await remote.download(join(dir, 'big'), slow);
      expect(Buffer.concat(parts).equals(data)).toBe(true);
      // 32 reads of 64 KiB go out at first; the first piece's replacement is out before the sink has it.
      expect(issuedAtWrite[0]).toBe(33);
      expect(issuedAtWrite[1]).toBe(34);
    } finally {
      proto.read = original;
    }
  });

  it('a 50 MiB random file: many reads in flight, sha256 equal at both ends, into a slow stream too', async () => {
    const dir = tempDir();
    const data = randomBytes(50 * 1024 * 1024);
    writeFileSync(join(dir, 'big'), data);
    const seen: TransferProgress[] = [];
    const result = await remote.download(join(dir, 'big'), join(dir, 'big.copy'), { verify: true, onProgress: (progress) => seen.push(progress) });
    expect(result).toMatchObject({ files: 1, bytes: data.length, via: 'sftp' });
    expect(sha256(readFileSync(join(dir, 'big.copy')))).toBe(sha256sum(join(dir, 'big')));
    expect(seen.at(-1)).toMatchObject({ bytes: data.length, totalBytes: data.length, files: 1, totalFiles: 1 });
    const sink = collector();
    await remote.download(join(dir, 'big'), sink.stream, { verify: true });
    expect(sha256(sink.data())).toBe(sha256(data));
  }, 30_000);

  it('options: mkdir, overwrite: false, preserveTimes, mode, atomic', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'src'), 'source');
    utimesSync(join(dir, 'src'), new Date('2002-03-04T05:06:07Z'), new Date('2002-03-04T05:06:07Z'));
    const missing = await failure(remote.download(join(dir, 'src'), join(dir, 'no', 'such', 'dir', 'file')));
    expect(missing).toMatchObject({ problem: 'not-found', side: 'local', path: join(dir, 'no', 'such', 'dir') });
    await remote.download(join(dir, 'src'), join(dir, 'no', 'such', 'dir', 'file'), { mkdir: true, preserveTimes: true, mode: 0o600 });
    const copy = join(dir, 'no', 'such', 'dir', 'file');
    expect(readFileSync(copy, 'utf8')).toBe('source');
    expect(statSync(copy).mtime.toISOString()).toBe('2002-03-04T05:06:07.000Z');
    expect(statSync(copy).mode & 0o7777).toBe(0o600);
    const exists = await failure(remote.download(join(dir, 'src'), copy, { overwrite: false }));
    expect(exists).toMatchObject({ problem: 'exists', side: 'local', path: copy });
    writeFileSync(join(dir, 'src'), 'changed');
    await remote.download(join(dir, 'src'), copy, { atomic: false });
    expect(readFileSync(copy, 'utf8')).toBe('changed');
    expectNoLeftovers(join(dir, 'no', 'such', 'dir'));
  });

  it('a missing remote source is not-found on the remote side; a directory into a stream is a ConfigError', async () => {
    const dir = tempDir();
    const error = await failure(remote.download(join(dir, 'nope'), join(dir, 'dest')));
    expect(error).toMatchObject({ problem: 'not-found', side: 'remote', path: join(dir, 'nope'), direction: 'download' });
    expect(error.message).toContain(host.port.toString());
    expect(existsSync(join(dir, 'dest'))).toBe(false);
    await expect(remote.download(dir, new PassThrough())).rejects.toBeInstanceOf(ConfigError);
  });

  it('a file where a directory is expected: the local parent is a file; a file onto a local directory', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'src'), 'x');
    writeFileSync(join(dir, 'a-file'), 'x');
    const parent = await failure(remote.download(join(dir, 'src'), join(dir, 'a-file', 'child'), { mkdir: true }));
    expect(parent).toMatchObject({ problem: 'not-a-directory', side: 'local', path: join(dir, 'a-file') });
    mkdirSync(join(dir, 'a-dir'));
    const isDir = await failure(remote.download(join(dir, 'src'), join(dir, 'a-dir')));
    expect(isDir).toMatchObject({ problem: 'is-a-directory', side: 'local' });
  });

  it('abort: nothing at dest, no temporary left', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'big'), randomBytes(30 * 1024 * 1024));
    const controller = new AbortController();
    const slow = new Writable({ highWaterMark: 1024, write: (_chunk, _encoding, done) => setTimeout(done, 2) });
    setTimeout(() => controller.abort(), 200);
    const toStream = await failure(remote.download(join(dir, 'big'), slow, { signal: controller.signal }));
    expect(toStream.problem).toBe('aborted');
    const timedOut = await failure(remote.download(join(dir, 'big'), join(dir, 'copy'), { timeout: 1 }));
    expect(timedOut.problem).toBe('timeout');
    expect(existsSync(join(dir, 'copy'))).toBe(false);
    expectNoLeftovers(dir);
    expect(remote.getPoolStats().leases).toBe(0);
  });
});

describe('download: directories', () => {
  it('a tree becomes dest itself, as one tar stream: modes, symlinks as links, awkward names; totals unknown in advance', async () => {
    const dir = tempDir();
    makeTree(join(dir, 'tree'), join(dir, 'outside'));
    const seen: TransferProgress[] = [];
    const result = await remote.download(join(dir, 'tree'), join(dir, 'copy'), { verify: true, onProgress: (progress) => seen.push(progress) });
    expect(result.via).toBe('tar');
    expect(shapeOf(join(dir, 'copy'))).toEqual(shapeOf(join(dir, 'tree')));
    expect(lstatSync(join(dir, 'copy', 'link-outside')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, 'copy', 'link-outside', 'outside.txt'))).toBe(true); // the link, pointing where it did
    expect(namesIn(join(dir, 'copy')).includes('outside.txt')).toBe(false);
    expect(seen.at(-1)).toMatchObject({ files: result.files, bytes: result.bytes, totalFiles: undefined });
    expectNoLeftovers(dir);
  });

  it('with a filter, over SFTP (the listing is needed): filtered entries stay behind, totals are known', async () => {
    const dir = tempDir();
    makeTree(join(dir, 'tree'), join(dir, 'outside'));
    const seen: TransferProgress[] = [];
    const result = await remote.download(join(dir, 'tree'), join(dir, 'copy'), {
      filter: (entry) => entry.path !== 'sub',
      onProgress: (progress) => seen.push(progress),
      verify: true,
      concurrency: 2,
    });
    expect(result.via).toBe('sftp');
    const expected = Object.fromEntries(Object.entries(shapeOf(join(dir, 'tree'))).filter(([path]) => path !== 'sub' && !path.startsWith('sub/')));
    expect(shapeOf(join(dir, 'copy'))).toEqual(expected);
    expect(seen.at(-1)).toMatchObject({ files: result.files, totalFiles: result.files, totalBytes: result.bytes });
  });

  it('many small files in one tar stream; preserveTimes keeps times; an existing directory is replaced whole', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'many'));
    for (let i = 0; i < 400; i++) writeFileSync(join(dir, 'many', `f-${i}`), randomBytes(300 + i));
    utimesSync(join(dir, 'many', 'f-7'), new Date('2005-05-05T05:05:05Z'), new Date('2005-05-05T05:05:05Z'));
    chmodSync(join(dir, 'many', 'f-8'), 0o400);
    mkdirSync(join(dir, 'copy'));
    writeFileSync(join(dir, 'copy', 'stale'), 'old');
    const result = await remote.download(join(dir, 'many'), join(dir, 'copy'), { preserveTimes: true });
    expect(result).toMatchObject({ files: 400, via: 'tar' });
    expect(shapeOf(join(dir, 'copy'))).toEqual(shapeOf(join(dir, 'many')));
    expect(statSync(join(dir, 'copy', 'f-7')).mtime.toISOString()).toBe('2005-05-05T05:05:05.000Z');
    const refused = await failure(remote.download(join(dir, 'many'), join(dir, 'copy'), { overwrite: false }));
    expect(refused.problem).toBe('exists');
    expectNoLeftovers(dir);
  });
});
