/**
 * Each strategy's share of 1,000 commands over real sshd hosts (one sshd on four loopback addresses),
 * counted from each result's `target`.
 */
import { startSshHosts, type SshHostSet } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { $ } from '../../src/index.js';
import { seededRandom } from '../pool/seeded-random.js';
import { countBy, loginOf, targetName, workerLoop } from './support.js';

const COMMANDS = 1000;
const WORKERS = 32;
/** Roomy pools: the distribution, not the queue, is under test. */
const pool = { max: 2, queueSize: 1000 };

let set: SshHostSet;
beforeAll(async () => {
  set = await startSshHosts(4);
});
afterAll(() => set.stop());

const names = (): string[] => set.hosts.map(targetName);

describe('strategies over 1,000 commands', () => {
  it('round-robin: exactly 250 each, in turn', async () => {
    const group = $.ssh.group(set.hosts.map((host) => loginOf(host)), { pool });
    onTestFinished(() => group.closePool());
    // Issued one after another: the order of the picks is the order of the hosts.
    const first = [];
    for (let i = 0; i < 8; i++) first.push((await group`true`).target);
    expect(first).toEqual([...names(), ...names()]);
    const results = await workerLoop(COMMANDS - 8, WORKERS, () => group`true`);
    const counts = countBy([...first, ...results.map((r) => r.target)]);
    expect([...counts.entries()].sort()).toEqual(names().map((name) => [name, COMMANDS / 4]).sort());
  });

  it('weighted: each host within 5 % of its weight (1:2:3:4)', async () => {
    const weights = [1, 2, 3, 4];
    const group = $.ssh.group(set.hosts.map((host, i) => ({ ...loginOf(host), weight: weights[i] })), { strategy: 'weighted', pool });
    onTestFinished(() => group.closePool());
    const results = await workerLoop(COMMANDS, WORKERS, () => group`true`);
    const counts = countBy(results.map((r) => r.target));
    names().forEach((name, i) => {
      const expected = (COMMANDS * weights[i]!) / 10;
      expect(Math.abs((counts.get(name) ?? 0) - expected), `${name}: ${counts.get(name)} of ${COMMANDS}, expected ${expected}`).toBeLessThanOrEqual(expected * 0.05);
    });
  });

  it('random (Math.random, two hosts): each within 10 % of its share', async () => {
    // Two hosts: 500 expected each, ±50 is 3.2 standard deviations (a false alarm about once in 600 runs);
    // with four hosts, ±25 of 250 would be 1.8 (one run in four).
    const two = set.hosts.slice(0, 2);
    const group = $.ssh.group(two.map((host) => loginOf(host)), { strategy: 'random', pool });
    onTestFinished(() => group.closePool());
    const results = await workerLoop(COMMANDS, WORKERS, () => group`true`);
    const counts = countBy(results.map((r) => r.target));
    for (const name of two.map(targetName)) expect(Math.abs((counts.get(name) ?? 0) - COMMANDS / 2), `${name}: ${counts.get(name)}`).toBeLessThanOrEqual(COMMANDS / 2 / 10);
  });

  it('random with a seeded source: the picks follow the source', async () => {
    const group = $.ssh.group(set.hosts.map((host) => loginOf(host)), { strategy: 'random', random: seededRandom(7), pool });
    onTestFinished(() => group.closePool());
    const expected = Array.from({ length: 20 }, ((next) => () => names()[Math.floor(next() * 4)])(seededRandom(7)));
    const picked = [];
    for (let i = 0; i < 20; i++) picked.push((await group`true`).target);
    expect(picked).toEqual(expected);
  });

  it('least-connections: a burst spreads evenly, never more than 1 apart in flight', async () => {
    const group = $.ssh.group(set.hosts.map((host) => loginOf(host)), { strategy: 'least-connections', pool });
    onTestFinished(() => group.closePool());
    await group.warmPool(1);
    const inFlight = new Map(names().map((name) => [name, 0]));
    let widest = 0;
    group.on('host:start', ({ target }) => {
      inFlight.set(target, (inFlight.get(target) ?? 0) + 1);
      widest = Math.max(widest, Math.max(...inFlight.values()) - Math.min(...inFlight.values()));
    });
    // 60 commands issued at once (no command ends while they are handed out).
    const results = await Promise.all(Array.from({ length: 60 }, () => group`sleep 0.05`));
    expect(widest).toBeLessThanOrEqual(1);
    expect([...countBy(results.map((r) => r.target)).values()]).toEqual([15, 15, 15, 15]);
  });

  it('least-connections: each command goes to a host with the fewest in flight; a slow host gets fewer', async () => {
    const group = $.ssh.group(set.hosts.map((host) => loginOf(host)), { strategy: 'least-connections', pool });
    onTestFinished(() => group.closePool());
    await group.warmPool(1);
    const slow = names()[0]!;
    const inFlight = new Map(names().map((name) => [name, 0]));
    let notFewest = 0;
    group.on('host:start', ({ target }) => {
      const mine = inFlight.get(target) ?? 0;
      if (mine > Math.min(...inFlight.values())) notFewest += 1;
      inFlight.set(target, mine + 1);
    });
    group.on('host:done', ({ target }) => inFlight.set(target, (inFlight.get(target) ?? 1) - 1));
    // The first host is slow (the command sleeps there: the server address says which host it is).
    const command = `case "$SSH_CONNECTION" in *" ${set.hosts[0]!.host} "*) sleep 0.1;; esac`;
    const results = await workerLoop(200, 8, () => group.raw`${command}`);
    expect(notFewest).toBe(0);
    const counts = countBy(results.map((r) => r.target));
    for (const name of names().slice(1)) expect(counts.get(slow) ?? 0).toBeLessThan(counts.get(name) ?? 0);
  });
});
