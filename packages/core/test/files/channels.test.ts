/**
 * Transfers share the pool's channel budget with commands: each SFTP session and tar exec is a lease. Against
 * an sshd with `MaxSessions 2`, sessions it refuses lower the connection's limit and wait for a free channel,
 * as commands do: a burst of transfers and commands all succeed on one connection.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSshHost, type SshHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from '../../src/index.js';
import { targetOf } from '../ssh-pool/support.js';
import { tempDir } from './support.js';

let small: SshHost;
beforeAll(async () => {
  small = await startSshHost({ maxSessions: 2 });
});
afterAll(async () => {
  await small.stop();
});

describe('transfers and commands on one channel budget', () => {
  it('8 uploads and 8 commands at once against MaxSessions 2: all succeed over one connection (refused sessions wait for a free channel)', async () => {
    const remote = $.ssh(targetOf(small), { pool: { max: 1, spareChannels: 0 } });
    try {
      const dir = tempDir();
      const uploads = Array.from({ length: 8 }, (_, i) => remote.upload(Buffer.alloc(256 * 1024, i), join(dir, `file-${i}`)));
      const commands = Array.from({ length: 8 }, (_, i) => remote`echo ${i}`);
      const [uploaded, ran] = await Promise.all([Promise.all(uploads), Promise.all(commands)]);
      expect(uploaded.map((result) => result.bytes)).toEqual(Array(8).fill(256 * 1024));
      expect(ran.map((output) => output.stdout)).toEqual(Array.from({ length: 8 }, (_, i) => `${i}\n`));
      for (let i = 0; i < 8; i++) expect(readFileSync(join(dir, `file-${i}`)).equals(Buffer.alloc(256 * 1024, i))).toBe(true);
      expect(remote.getPoolStats().connectionsCreated).toBe(1);
      expect(remote.getPoolStats().leases).toBe(0);
    } finally {
      await remote.closePool();
    }
  });
});
