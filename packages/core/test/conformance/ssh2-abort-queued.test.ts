/**
 * A pooled-ssh2 detail behind the table's "aborted before it starts" case: a command can also wait for a
 * channel (all busy), and one aborted while it waits must not start once a channel frees up. No other
 * transport queues commands, so this is not a row of the shared table.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHost } from '@rexec/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { $ } from '../../src/index.js';
import { targetOf } from '../ssh-pool/support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rexec-abort-queued-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('$.ssh: a command aborted while it waits for a channel never runs', async () => {
  const remote = $.ssh(targetOf(testHost()), { pool: { max: 1, maxChannels: 1 } });
  try {
    const marker = join(dir, 'ran');
    const busy = remote`sleep 0.4; echo busy`;
    const controller = new AbortController();
    const queued = remote`touch ${marker}`.signal(controller.signal).nothrow();
    await expect.poll(() => remote.getPoolStats().waiting + remote.getPoolStats().active).toBeGreaterThan(0);
    controller.abort();
    await expect(busy).resolves.toMatchObject({ stdout: 'busy\n' });
    await expect(queued).resolves.toMatchObject({ isCanceled: true, signal: 'SIGTERM', exitCode: 143, stdout: '' });
    expect(existsSync(marker)).toBe(false);
  } finally {
    await remote.closePool();
  }
});
