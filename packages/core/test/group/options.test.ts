/**
 * What `$.ssh.group` checks before anything connects, how each host's options are made (the group's under
 * the target's own), and `~/.ssh/config` host patterns.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSshHosts, type SshHostSet } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { $, ConfigError } from '../../src/index.js';
import { configHostNames, matchesPatternList } from '../../src/ssh/group/expand-host-pattern.js';
import { createSshGroup } from '../../src/ssh/group/create-ssh-group.js';
import { countOf } from '../../src/ssh/group/normalize-group-options.js';
import { tempDir } from '../support/temp-dir.js';
import { loginOf, targetName } from './support.js';

let set: SshHostSet;
beforeAll(async () => {
  set = await startSshHosts(3);
});
afterAll(() => set.stop());

const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('checks (ConfigError, nothing connects)', () => {
  const login = () => loginOf(set.hosts[0]!);
  it.each([
    ['an empty list', () => $.ssh.group([]), /at least one host/],
    ['a bad strategy', () => $.ssh.group([login()], { strategy: 'fastest' as never }), /"strategy".*'round-robin'/],
    ['host in the group options', () => $.ssh.group([login()], { host: 'web1' } as never), /"host"/],
    ['a bad weight', () => $.ssh.group([{ ...login(), weight: 0 }]), /targets\[0\]\.weight/],
    ['maxConnecting 0', () => $.ssh.group([login()], { maxConnecting: 0 }), /"maxConnecting"/],
    ['the same host twice', () => $.ssh.group([login(), login()]), /targets\[0\] and targets\[1\] are the same host/],
    ['a bad target, named by its place', () => $.ssh.group([login(), 'user@bad host']), /targets\[1\] \(user@bad host\)/],
    ['an unknown connection option', () => $.ssh.group([login()], { colour: 'red' } as never), /Unknown SSH option "colour"/],
  ])('%s', (_what, run, message) => {
    const error = thrown(run);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    [{ batch: 0 }, /"batch"/],
    [{ batch: '0%' }, /"batch"/],
    [{ maxFailures: -1 }, /"maxFailures"/],
    [{ timeout: 1.5 }, /"timeout"/],
    [{ fast: true }, /Unknown group.all \/ group.each option "fast"/],
  ])('all.with(%o) is refused', (options, message) => {
    const group = $.ssh.group([loginOf(set.hosts[0]!)]);
    const error = thrown(() => group.all.with(options as never));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it('percentages: a batch rounds up (at least 1), maxFailures down', () => {
    expect(countOf('25%', 10, 'up')).toBe(3);
    expect(countOf('1%', 10, 'up')).toBe(1);
    expect(countOf('25%', 10, 'down')).toBe(2);
    expect(countOf('10%', 10, 'down')).toBe(1);
    expect(countOf(4, 10, 'up')).toBe(4);
  });
});

describe("each host's options", () => {
  it("the group's connection and pool options apply to every host; a target object overrides them", async () => {
    const [a, b] = set.hosts;
    const group = $.ssh.group([`${a!.username}@${a!.host}:${a!.port}`, { ...loginOf(b!), pool: { max: 1 } }], {
      privateKey: a!.privateKey,
      knownHosts: a!.knownHosts,
      agent: false,
      pool: { max: 2 },
    });
    onTestFinished(() => group.closePool());
    expect(group.targets).toEqual([targetName(a!), targetName(b!)]);
    expect(group.getStats().hosts.map((h) => h.pool.max)).toEqual([2, 1]);
    const records = await group.all`echo ok`;
    expect(records.every((r) => r.ok)).toBe(true);
  });

  it("a string target's own user and port win over the group's", () => {
    const a = set.hosts[0]!;
    const group = $.ssh.group([`${a.username}@${a.host}:${a.port}`], { privateKey: a.privateKey, knownHosts: a.knownHosts, username: 'someone-else', port: 1 });
    expect(group.targets).toEqual([targetName(a)]);
  });
});

describe('~/.ssh/config host patterns', () => {
  it('lists the concrete Host names that match, in config order', () => {
    const text = 'Host web1 web2\n  User deploy\nHost db1\n  Port 2222\nHost web* !web9\n  User ops\nHost web3\nMatch host web4\n  User x\n';
    expect(configHostNames(text)).toEqual(['web1', 'web2', 'db1', 'web3']);
    expect(matchesPatternList('web2', 'web*')).toBe(true);
    expect(matchesPatternList('web2', 'web*,!web2')).toBe(false);
    expect(matchesPatternList('db1', 'web?,db?')).toBe(true);
    expect(matchesPatternList('WEB1', 'web1')).toBe(true);
  });

  it("$.ssh.group('web*') runs on the hosts the config names, resolved like $.ssh('web1')", async () => {
    const home = tempDir();
    mkdirSync(join(home, '.ssh'));
    const [a, b, c] = set.hosts;
    const entry = (name: string, host: typeof a) => `Host ${name}\n  HostName ${host!.host}\n  Port ${host!.port}\n  User ${host!.username}\n  IdentityFile ${host!.privateKey}\n`;
    writeFileSync(join(home, '.ssh', 'config'), `${entry('web1', a)}${entry('web2', b)}${entry('db1', c)}Host *\n  User nobody\n`);
    const group = createSshGroup('web*', { knownHosts: a!.knownHosts, agent: false }, { HOME: home });
    onTestFinished(() => group.closePool());
    expect(group.targets).toEqual([targetName(a!), targetName(b!)]);
    const records = await group.all`echo "$SSH_CONNECTION" | cut -d' ' -f3`;
    expect(records.map((r) => r.result?.stdout.trim())).toEqual([a!.host, b!.host]);
  });

  it('a pattern that matches nothing is a ConfigError naming the file', () => {
    const home = tempDir();
    const error = thrown(() => createSshGroup('web*', {}, { HOME: home }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/does not exist/);
  });
});
