/**
 * The group's handle: events (its own and every pool's, with `target`), stats per host and in total,
 * Prometheus text, derived tags, verbose output, draining and closing, and the process-lifetime rule.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startSshHosts, type SshHostSet } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { $, PoolClosedError } from '../../src/index.js';
import { loginOf, targetName } from './support.js';

type Family = { name: string; metrics: { labels?: Record<string, string>; value?: string }[] };
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

let set: SshHostSet;
beforeAll(async () => {
  set = await startSshHosts(3);
});
afterAll(() => set.stop());

const newGroup = (options: Parameters<typeof $.ssh.group>[1] = {}) => {
  const group = $.ssh.group(set.hosts.map((host) => loginOf(host)), options);
  onTestFinished(() => group.closePool());
  return group;
};

describe('events', () => {
  it('host:* events, and pool events with the host as target; off and once', async () => {
    const group = newGroup();
    const starts: string[] = [];
    const done: string[] = [];
    const acquired: { id: string; target: string }[] = [];
    const created: string[] = [];
    const onAcquire = (payload: { id: string; target: string }): void => void acquired.push(payload);
    group.on('host:start', ({ target }) => starts.push(target)).on('host:done', ({ target, exitCode }) => done.push(`${target} ${exitCode}`));
    group.on('connection:acquire', onAcquire);
    group.once('connection:create', ({ target }) => created.push(target));
    const results = await Promise.all([group`true`, group`true`, group`true`]);
    const names = set.hosts.map(targetName);
    expect(starts.sort()).toEqual([...names].sort());
    expect(done.sort()).toEqual(names.map((name) => `${name} 0`).sort());
    expect(acquired.map((a) => a.target).sort()).toEqual([...names].sort());
    for (const { id, target } of acquired) expect(id.startsWith(`${target}#`)).toBe(true);
    expect(created).toHaveLength(1);
    expect(results.map((r) => r.target).sort()).toEqual([...names].sort());
    group.off('connection:acquire', onAcquire);
    await group`true`;
    expect(acquired).toHaveLength(3);
  });

  it('host:failed says whether the command started, and its exit code', async () => {
    const group = newGroup();
    const failed: unknown[] = [];
    group.on('host:failed', (payload) => failed.push(payload));
    await group.nothrow()`exit 7`;
    expect(failed).toEqual([{ target: targetName(set.hosts[0]!), duration: expect.any(Number) as unknown, error: undefined, exitCode: 7, timedOut: false, started: true }]);
  });

  it('a listener that throws breaks nothing', async () => {
    const group = newGroup();
    group.on('host:start', () => {
      throw new Error('listener bug');
    });
    await expect(group`echo fine`).resolves.toMatchObject({ stdout: 'fine\n' });
  });
});

describe('stats and metrics', () => {
  it('per host and in total', async () => {
    const group = newGroup();
    for (let i = 0; i < 6; i++) await group`true`;
    await group.nothrow()`exit 1`;
    const { hosts, total } = group.getStats();
    expect(hosts.map((h) => h.target)).toEqual(set.hosts.map(targetName));
    expect(hosts.map((h) => h.commands)).toEqual([3, 2, 2]);
    expect(hosts[0]).toMatchObject({ succeeded: 2, failed: 1, healthy: true, inFlight: 0, weight: 1, consecutiveFailures: 0 });
    expect(hosts[0]!.pool).toMatchObject({ total: 1, circuit: 'closed', totalAcquired: 3 });
    expect(total).toMatchObject({ hosts: 3, healthy: 3, commands: 7, succeeded: 6, failed: 1, inFlight: 0, connecting: 0, openCircuits: 0 });
    expect(total.pool).toMatchObject({ total: 3, totalAcquired: 7, connectionsCreated: 3 });
  });

  it('Prometheus text: every pool family with a sample per host, plus the group families', async () => {
    const group = newGroup();
    await group.all`true`;
    const families = parsePrometheus(group.prometheus());
    const byName = new Map(families.map((family) => [family.name, family]));
    const names = set.hosts.map(targetName).sort();
    for (const name of ['rexec_pool_total', 'rexec_pool_acquired_total', 'rexec_group_host_commands_total', 'rexec_group_host_in_flight']) {
      const family = byName.get(name);
      expect(family, name).toBeDefined();
      expect(family!.metrics.map((m) => m.labels?.['target']).sort()).toEqual(names);
    }
    expect(byName.get('rexec_group_host_commands_total')!.metrics.map((m) => m.value)).toEqual(['1', '1', '1']);
    expect(byName.get('rexec_group_connecting')!.metrics[0]!.value).toBe('0');
  });
});

describe('tags', () => {
  it('derived tags keep the group: cd, env, timeout, nothrow; all on a derived tag', async () => {
    const group = newGroup();
    const result = await group.cd('/tmp').env({ GREETING: 'hi' })`echo "$GREETING from $(pwd)"`;
    expect(result.stdout).toBe('hi from /tmp\n');
    expect(set.hosts.map(targetName)).toContain(result.target);
    const records = await group.cd('/tmp').all`pwd`;
    expect(records.map((r) => r.result?.stdout)).toEqual(['/tmp\n', '/tmp\n', '/tmp\n']);
    await expect(group.timeout(100)`sleep 5`).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('shell and pipefail: in the group options they apply to every host, and as derived tags; per target they are refused', async () => {
    const strict = newGroup({ shell: '/bin/bash', pipefail: true });
    await expect(strict`false | true`).rejects.toMatchObject({ exitCode: 1 });
    expect((await strict.all`false | true`).map((r) => r.result?.exitCode)).toEqual([1, 1, 1]);
    const plain = newGroup();
    await expect(plain`false | true`).resolves.toMatchObject({ exitCode: 0 });
    await expect(plain.shell('/bin/bash').pipefail()`false | true`).rejects.toMatchObject({ exitCode: 1 });
    expect(() => $.ssh.group([{ ...loginOf(set.hosts[0]!), shell: '/bin/bash' }])).toThrow(/targets\[0\].*shell applies to the whole group/);
  });

  it('a bad value throws at the tag, before anything runs', () => {
    const group = newGroup();
    expect(() => group.all`echo ${undefined}`).toThrow(TypeError);
  });

  it('verbose: every output line printed with its host', async () => {
    const group = newGroup({ verbose: true });
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await group.all`echo line one; echo line two`;
    } finally {
      spy.mockRestore();
    }
    for (const name of set.hosts.map(targetName)) {
      expect(lines).toContain(`[${name}] line one\n`);
      expect(lines).toContain(`[${name}] line two\n`);
    }
  });
});

describe('closing', () => {
  it('drainPool: running commands finish, new ones are refused, then every pool closes', async () => {
    const group = newGroup();
    const running = group`sleep 0.3; echo finished`;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const drained = group.drainPool();
    await expect(group`true`).rejects.toBeInstanceOf(PoolClosedError);
    await expect(group.all`true`).rejects.toBeInstanceOf(PoolClosedError);
    await expect(running).resolves.toMatchObject({ stdout: 'finished\n' });
    await drained;
    expect(group.getStats().total.pool.total).toBe(0);
  });

  it('closePool: every host pool closes at once; later commands get PoolClosedError', async () => {
    const group = newGroup();
    await group.all`true`;
    await group.closePool();
    expect(group.getStats().hosts.map((h) => h.pool.total)).toEqual([0, 0, 0]);
    await expect(group`true`).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('an idle group never keeps the process alive: a script that never closes it exits after its last command', async () => {
    const script = fileURLToPath(new URL('./fixtures/group-exits.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, [script, JSON.stringify(set.hosts.map((host) => loginOf(host)))], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = await new Promise<{ code: number | null; at: number }>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, at: Date.now() });
      });
    });
    expect(output, output).toContain('one 3 3 3 open');
    expect(exit.code, output).toBe(0);
    const done = Number(/done (\d+)/.exec(output)?.[1]);
    expect(exit.at - done).toBeLessThan(3000);
  });
});
