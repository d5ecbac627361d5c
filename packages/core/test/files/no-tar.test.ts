/**
 * A remote host without `tar` (an sshd of our own whose sessions get a PATH holding every command of this
 * machine but tar): directories go over SFTP instead, with the same result. The same host shows verify
 * failing cleanly when neither `sha256sum` nor `shasum` is there.
 */
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSshHost, type SshHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, TransferError } from '../../src/index.js';
import { targetOf } from '../ssh-pool/support.js';
import { expectNoLeftovers, makeTree, shapeOf, tempDir } from './support.js';

/** A directory of links to every command in /usr/bin and /bin except `leaveOut`. */
function binWithout(root: string, leaveOut: readonly string[]): string {
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const dir of ['/usr/bin', '/bin']) {
    for (const name of readdirSync(dir)) {
      if (leaveOut.includes(name)) continue;
      try {
        symlinkSync(join(dir, name), join(bin, name));
      } catch {
        // already linked from the other directory
      }
    }
  }
  return bin;
}

const root = join(process.env['TMPDIR'] ?? '/tmp', `rexec-no-tar-${process.pid}`);
let host: SshHost;
let remote: ReturnType<typeof $.ssh>;
beforeAll(async () => {
  mkdirSync(root, { recursive: true });
  const bin = binWithout(root, ['tar', 'sha256sum', 'shasum']);
  host = await startSshHost({ extraConfig: [`SetEnv PATH=${bin} SHLVL=1`] });
  remote = $.ssh(targetOf(host));
});
afterAll(async () => {
  await remote.closePool();
  await host.stop();
  const { rmSync } = await import('node:fs');
  rmSync(root, { recursive: true, force: true });
});

describe('a remote host without tar', () => {
  it('has no tar on the PATH of its sessions (the premise)', async () => {
    const probe = await remote`command -v tar`.nothrow();
    expect(probe.exitCode).not.toBe(0);
  });

  it('a tree goes over SFTP both ways, with the same result as tar gives', async () => {
    const dir = tempDir();
    makeTree(join(dir, 'tree'), join(dir, 'outside'));
    const up = await remote.upload(join(dir, 'tree'), join(dir, 'copy'), { concurrency: 3 });
    expect(up.via).toBe('sftp');
    expect(shapeOf(join(dir, 'copy'))).toEqual(shapeOf(join(dir, 'tree')));
    const down = await remote.download(join(dir, 'copy'), join(dir, 'back'));
    expect(down.via).toBe('sftp');
    expect(shapeOf(join(dir, 'back'))).toEqual(shapeOf(join(dir, 'tree')));
    // Replacing a tree over SFTP too.
    writeFileSync(join(dir, 'tree', 'added'), 'added');
    await remote.upload(join(dir, 'tree'), join(dir, 'copy'));
    expect(shapeOf(join(dir, 'copy'))).toEqual(shapeOf(join(dir, 'tree')));
    expectNoLeftovers(dir);
  });

  it('verify without sha256sum or shasum: unsupported, saying what is missing, and nothing left at dest', async () => {
    const dir = tempDir();
    const error = await remote.upload(Buffer.from('x'), join(dir, 'checked'), { verify: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransferError);
    expect(error).toMatchObject({ problem: 'unsupported', side: 'remote' });
    expect((error as Error).message).toMatch(/sha256sum/);
    expectNoLeftovers(dir);
  });
});
