/**
 * The group's handshake budget (`maxConnecting`): however many cold hosts a group has, at most that many
 * handshakes are in flight at once. Measured from outside the group: a TCP proxy in front of each host notes
 * when its connection arrives, `connection:create` when its handshake (and login) is done; the most of
 * those intervals that overlap is the number of handshakes at once.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshHosts, type HostLogin, type SshHostSet } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { $, type SshGroup } from '../../src/index.js';
import { loginOf } from './support.js';

const HOSTS = 20;

/** A forwarding proxy on the host's own address that notes when each connection arrives. */
interface CountingProxy {
  readonly login: HostLogin;
  readonly arrivals: number[];
  close(): Promise<void>;
}

async function countingProxy(host: HostLogin, knownHosts: string): Promise<CountingProxy> {
  const arrivals: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    arrivals.push(performance.now());
    const upstream = connect(host.port, host.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, host.host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    login: { ...host, port, knownHosts },
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The most intervals [from, to] that overlap at one moment. */
function mostAtOnce(intervals: readonly (readonly [number, number])[]): number {
  const edges = intervals.flatMap(([from, to]) => [[from, 1] as const, [to, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, change] of edges) most = Math.max(most, (now += change));
  return most;
}

let set: SshHostSet;
let proxies: CountingProxy[];
const knownHosts = join(tmpdir(), `rexec-group-known-hosts-${process.pid}`);
beforeAll(async () => {
  set = await startSshHosts(HOSTS);
  proxies = await Promise.all(set.hosts.map((host) => countingProxy(host, knownHosts)));
  // Each proxy is trusted with its host's key (past 16 hosts there is a second sshd, with a key of its own).
  const lines = await Promise.all(
    proxies.map(async ({ login }, i) => {
      const host = set.hosts[i]!;
      const entry = (await readFile(host.knownHosts, 'utf8')).split('\n').find((line) => line.startsWith(`[${host.host}]:${host.port} `))!;
      return `[${login.host}]:${login.port} ${entry.split(/\s+/).slice(1, 3).join(' ')}\n`;
    }),
  );
  await writeFile(knownHosts, lines.join(''), { mode: 0o600 });
});
afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await set.stop();
  await rm(knownHosts, { force: true });
});

/** A group over the proxies; returns the handshake intervals it caused, once `work` is done. */
async function handshakesDuring(options: { maxConnecting: number }, work: (group: SshGroup) => Promise<unknown>): Promise<Array<readonly [number, number]>> {
  for (const proxy of proxies) proxy.arrivals.length = 0;
  const group = $.ssh.group(
    proxies.map((proxy) => loginOf(proxy.login)),
    { ...options, pool: { retryAttempts: 0, spareChannels: 0 } },
  );
  onTestFinished(() => group.closePool());
  const created = new Map<string, number[]>();
  group.on('connection:create', ({ target }) => created.set(target, [...(created.get(target) ?? []), performance.now()]));
  await work(group);
  return proxies.flatMap((proxy) => {
    const done = created.get(`${proxy.login.username}@${proxy.login.host}:${proxy.login.port}`) ?? [];
    expect(done.length, `${proxy.login.host}: connections made vs arrived`).toBe(proxy.arrivals.length);
    return proxy.arrivals.map((from, i) => [from, done[i]!] as const);
  });
}

describe(`maxConnecting over ${HOSTS} cold hosts`, () => {
  it('group.all with maxConnecting 3: never more than 3 handshakes at once', async () => {
    const intervals = await handshakesDuring({ maxConnecting: 3 }, async (group) => {
      const records = await group.all`true`;
      expect(records.every((r) => r.ok)).toBe(true);
    });
    expect(intervals).toHaveLength(HOSTS);
    const most = mostAtOnce(intervals);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThanOrEqual(2); // the budget is used, not just respected
  });

  it('a burst of commands on the tag with maxConnecting 4: never more than 4', async () => {
    const intervals = await handshakesDuring({ maxConnecting: 4 }, async (group) => {
      const results = await Promise.all(Array.from({ length: HOSTS * 2 }, () => group`true`));
      expect(new Set(results.map((r) => r.target)).size).toBe(HOSTS);
    });
    expect(intervals).toHaveLength(HOSTS);
    expect(mostAtOnce(intervals)).toBeLessThanOrEqual(4);
  });

  it('group.warmPool with maxConnecting 2: never more than 2', async () => {
    const intervals = await handshakesDuring({ maxConnecting: 2 }, (group) => group.warmPool(1));
    expect(intervals).toHaveLength(HOSTS);
    expect(mostAtOnce(intervals)).toBeLessThanOrEqual(2);
  });

  it('control: without a budget the same run has more than 3 handshakes at once (the measure can fail)', async () => {
    const intervals = await handshakesDuring({ maxConnecting: Infinity }, (group) => group.all`true`);
    expect(mostAtOnce(intervals)).toBeGreaterThan(3);
  });
});
