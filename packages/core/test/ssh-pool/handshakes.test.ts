/**
 * `maxConnecting` caps the handshakes in flight per target, so a burst of new connections stays under
 * sshd's `MaxStartups` (past it, sshd drops unauthenticated connections and logs "past MaxStartups").
 */
import { readFileSync } from 'node:fs';
import { startSshHost, type SshHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from '../../src/index.js';
import { targetOf } from './support.js';

let host: SshHost;
beforeAll(async () => {
  // Four unauthenticated connections at most. sshd frees a startup slot a moment after the client sees its
  // authentication succeed, so maxConnecting keeps a margin below it (see docs/ssh.md, "Channels").
  host = await startSshHost({ maxStartups: '4' });
});
afterAll(async () => {
  await host.stop();
});

const drops = (): number => (readFileSync(host.logPath, 'utf8').match(/past MaxStartups/g) ?? []).length;

describe('handshakes per target (sshd MaxStartups 4)', () => {
  it('warming 8 connections with maxConnecting 2: every handshake succeeds, sshd drops none', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 8, maxConnecting: 2, retryAttempts: 0 } });
    await remote.warmPool(8);
    expect(remote.getPoolStats()).toMatchObject({ total: 8, connectionsCreated: 8 });
    expect(drops()).toBe(0);
    await remote.closePool();
  });

  it('control: the same burst with maxConnecting 8 goes past MaxStartups, and sshd drops connections', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 8, maxConnecting: 8, retryAttempts: 0 } });
    await remote.warmPool(8).catch(() => undefined);
    expect(drops()).toBeGreaterThan(0);
    await remote.closePool();
  });
});
