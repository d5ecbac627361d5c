/**
 * Transfers that cannot succeed (docs/files.md#errors): a read-only directory, a full disk (tmpfs mounts:
 * root only, as the harness runs in CI) and a connection lost mid-transfer (a proxy that resets it). Each is a
 * TransferError naming the path and what to do, and with atomic (the default) nothing is left behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { knownHostsFor, startFaultProxy, testHost, type FaultProxy } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from '../../src/index.js';
import { targetOf } from '../ssh-pool/support.js';
import { eventually } from '../support/eventually.js';
import { expectNoLeftovers, failure, mountTmpfs, namesIn, tempDir } from './support.js';

const host = testHost();
const remote = $.ssh(targetOf(host));
afterAll(async () => {
  await remote.closePool();
});


/** A tree of `count` files of `size` random bytes. */
function bigTree(root: string, count: number, size: number): void {
  mkdirSync(root);
  for (let i = 0; i < count; i++) writeFileSync(join(root, `file-${i}`), randomBytes(size));
}

describe('a read-only destination (root would pass any permission check: a read-only tmpfs)', () => {
  it('upload of a file and of a directory: not-writable, naming the remote path', async () => {
    const mount = mountTmpfs('1m', true);
    try {
      const file = await failure(remote.upload(Buffer.from('x'), join(mount.dir, 'file')));
      expect(file).toMatchObject({ problem: 'not-writable', side: 'remote', path: join(mount.dir, 'file') });
      expect(file.message).toMatch(/read-only/);
      const source = join(tempDir(), 'tree');
      bigTree(source, 3, 10);
      const tree = await failure(remote.upload(source, join(mount.dir, 'tree')));
      expect(tree).toMatchObject({ problem: 'not-writable', side: 'remote', path: join(mount.dir, 'tree') });
      expect(namesIn(mount.dir)).toEqual([]);
    } finally {
      mount.unmount();
    }
  });

  it('download into a read-only local directory: not-writable, naming the local path', async () => {
    const mount = mountTmpfs('1m', true);
    try {
      const source = join(tempDir(), 'src');
      writeFileSync(source, 'x');
      const error = await failure(remote.download(source, join(mount.dir, 'copy')));
      expect(error).toMatchObject({ problem: 'not-writable', side: 'local', path: join(mount.dir, 'copy') });
    } finally {
      mount.unmount();
    }
  });
});

describe('a full disk (a 1 MiB tmpfs)', () => {
  it('upload of a 3 MiB file (SFTP) and of a 3 MiB tree (tar): no-space, and nothing left on the disk', async () => {
    const mount = mountTmpfs('1m');
    try {
      const file = await failure(remote.upload(randomBytes(3 * 1024 * 1024), join(mount.dir, 'big')));
      expect(file).toMatchObject({ problem: 'no-space', side: 'remote', path: join(mount.dir, 'big') });
      expect(file.message).toMatch(/free some space/);
      expect(namesIn(mount.dir)).toEqual([]);
      const source = join(tempDir(), 'tree');
      bigTree(source, 3, 1024 * 1024);
      const tree = await failure(remote.upload(source, join(mount.dir, 'tree')));
      expect(tree).toMatchObject({ problem: 'no-space', side: 'remote', path: join(mount.dir, 'tree') });
      await eventually(() => expect(namesIn(mount.dir)).toEqual([]));
    } finally {
      mount.unmount();
    }
  });

  it('download of a 3 MiB file and tree to a full local disk: no-space, and nothing left', async () => {
    const mount = mountTmpfs('1m');
    try {
      const dir = tempDir();
      writeFileSync(join(dir, 'big'), randomBytes(3 * 1024 * 1024));
      const file = await failure(remote.download(join(dir, 'big'), join(mount.dir, 'big')));
      expect(file).toMatchObject({ problem: 'no-space', side: 'local', path: join(mount.dir, 'big') });
      bigTree(join(dir, 'tree'), 3, 1024 * 1024);
      const tree = await failure(remote.download(join(dir, 'tree'), join(mount.dir, 'tree')));
      expect(tree).toMatchObject({ problem: 'no-space', side: 'local', path: join(mount.dir, 'tree') });
      expect(namesIn(mount.dir)).toEqual([]);
    } finally {
      mount.unmount();
    }
  });
});

describe('a connection lost mid-transfer (the proxy in front of sshd resets it)', () => {
  let proxy: FaultProxy;
  let viaProxy: ReturnType<typeof $.ssh>;
  beforeAll(async () => {
    // 25 ms each way: at most a 2 MiB window per 50 ms, so every transfer here outlasts its first progress
    // reports and the reset lands mid-stream, however fast the machine.
    proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: host.port, delayMs: 25 });
    viaProxy = $.ssh(targetOf(host, { port: proxy.port, knownHosts: await knownHostsFor(host, proxy.port) }));
  });
  afterAll(async () => {
    await viaProxy.closePool();
    await proxy.close();
  });

  /** A source that trickles 1 MiB every 20 ms, so the reset surely lands mid-transfer. */
  const trickle = (mib: number): Readable =>
    Readable.from(
      (async function* () {
        for (let i = 0; i < mib; i++) {
          yield randomBytes(1024 * 1024);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })(),
    );

  it('upload of a file: connection-lost (retryable), no dest, the temporary removed over a new connection', async () => {
    const dir = tempDir();
    let reset = false;
    const error = await failure(
      viaProxy.upload(trickle(40), join(dir, 'dest'), {
        onProgress: ({ bytes }) => {
          if (!reset && bytes > 2 * 1024 * 1024) reset = proxy.reset() > 0;
        },
      }),
    );
    expect(reset).toBe(true);
    expect(error).toMatchObject({ problem: 'connection-lost', retryable: true, side: 'remote', path: join(dir, 'dest') });
    expect(existsSync(join(dir, 'dest'))).toBe(false);
    await eventually(() => expectNoLeftovers(dir));
    // The pool goes on with a new connection.
    await viaProxy.upload(Buffer.from('after'), join(dir, 'after'));
    expect(namesIn(dir)).toEqual(['after']);
  });

  it('upload of a tree (tar): connection-lost, nothing left at dest', async () => {
    const dir = tempDir();
    bigTree(join(dir, 'tree'), 8, 4 * 1024 * 1024);
    let reset = false;
    const error = await failure(
      viaProxy.upload(join(dir, 'tree'), join(dir, 'dest'), {
        onProgress: ({ bytes }) => {
          if (!reset && bytes > 4 * 1024 * 1024) reset = proxy.reset() > 0;
        },
      }),
    );
    expect(reset).toBe(true);
    expect(error).toMatchObject({ problem: 'connection-lost', path: join(dir, 'dest') });
    expect(existsSync(join(dir, 'dest'))).toBe(false);
    await eventually(() => expectNoLeftovers(dir));
  });

  it('download of a file and of a tree: connection-lost, nothing left locally', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'big'), randomBytes(32 * 1024 * 1024));
    bigTree(join(dir, 'tree'), 8, 4 * 1024 * 1024);
    const local = tempDir();
    for (const source of ['big', 'tree']) {
      let reset = false;
      const error = await failure(
        viaProxy.download(join(dir, source), join(local, source), {
          onProgress: ({ bytes }) => {
            if (!reset && bytes > 2 * 1024 * 1024) reset = proxy.reset() > 0;
          },
        }),
      );
      expect(reset).toBe(true);
      expect(error).toMatchObject({ problem: 'connection-lost', side: 'remote', path: join(dir, source) });
    }
    expect(namesIn(local)).toEqual([]);
  });
});

describe('closePool() during a transfer', () => {
  it('stops it: aborted (the pool was closed), and the temporary copy it could not remove is named', async () => {
    const own = $.ssh(targetOf(host), { pool: { max: 2 } });
    const dir = tempDir();
    const trickle = Readable.from(
      (async function* () {
        for (let i = 0; i < 40; i++) {
          yield randomBytes(1024 * 1024);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })(),
    );
    let closing: Promise<void> | undefined;
    const error = await failure(own.upload(trickle, join(dir, 'dest'), { onProgress: ({ bytes }) => void (bytes > 2 * 1024 * 1024 && (closing ??= own.closePool())) }));
    await closing;
    expect(error).toMatchObject({ problem: 'aborted', reason: 'the pool was closed (closePool())' });
    expect(existsSync(join(dir, 'dest'))).toBe(false);
    expect(error.leftover).toMatch(/\.dest\.rexec-[0-9a-f]+\.tmp$/);
    expect(error.message).toContain(error.leftover);
  });
});
