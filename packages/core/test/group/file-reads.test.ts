/**
 * A group of many hosts reads each private key and known_hosts file once per process, not once per host
 * (docs/fleets.md, "Files read once"): 40 hosts from three sshds (three keys, three known_hosts files), the
 * reads counted by the caches themselves. An edited known_hosts is read again at the next connect.
 */
import { appendFile } from 'node:fs/promises';
import { startSshHosts, type SshHostSet } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { $ } from '../../src/index.js';
import { knownHostsReadStats } from '../../src/ssh/host-keys/host-key-verifier.js';
import { keyFileReadStats } from '../../src/ssh/options/private-key.js';
import { loginOf, summary } from './support.js';

const HOSTS = 40;

let set: SshHostSet;
beforeAll(async () => {
  set = await startSshHosts(HOSTS);
});
afterAll(() => set.stop());

const distinct = (values: readonly string[]): string[] => [...new Set(values)];
const readsOf = (reads: ReadonlyMap<string, number>, paths: readonly string[]): number[] => paths.map((path) => reads.get(path) ?? 0);

describe('files a group reads', () => {
  it('reads each key and known_hosts file once for the whole group, and an edited known_hosts again', { timeout: 30_000 }, async () => {
    const keys = distinct(set.hosts.map((host) => host.privateKey));
    const knownHosts = distinct(set.hosts.map((host) => host.knownHosts));
    expect(keys.length).toBeGreaterThan(1);
    expect(knownHosts.length).toBe(keys.length);

    const group = $.ssh.group(set.hosts.map((host) => loginOf(host)), { concurrency: 16 });
    onTestFinished(() => group.closePool());
    expect(readsOf(keyFileReadStats().reads, keys)).toEqual(keys.map(() => 1));
    expect(readsOf(knownHostsReadStats().reads, knownHosts)).toEqual(knownHosts.map(() => 0));

    const records = await group.all`true`;
    expect(records.every((r) => r.ok), summary(records)).toBe(true);
    expect(readsOf(knownHostsReadStats().reads, knownHosts)).toEqual(knownHosts.map(() => 1));

    // A second group on the same files: nothing read again; its first connects after the edit read that file once more.
    await group.closePool();
    await appendFile(knownHosts[0]!, '# edited\n');
    const again = $.ssh.group(set.hosts.map((host) => loginOf(host)), { concurrency: 16 });
    onTestFinished(() => again.closePool());
    const second = await again.all`true`;
    expect(second.every((r) => r.ok), summary(second)).toBe(true);
    expect(readsOf(keyFileReadStats().reads, keys)).toEqual(keys.map(() => 1));
    expect(readsOf(knownHostsReadStats().reads, knownHosts)).toEqual(knownHosts.map((_, i) => (i === 0 ? 2 : 1)));
  });
});
