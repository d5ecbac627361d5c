import { testHost } from '@rexec/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { $, PoolClosedError } from '../../src/index.js';
import { record, targetOf } from './support.js';

const host = testHost();
const cfg = targetOf(host);

afterEach(async () => {
  await $.ssh(cfg).closePool();
});

describe('$.ssh pool registry', () => {
  it('two $.ssh calls with the same identity share one pool: one connection for two commands', async () => {
    const created = record($.ssh(cfg), 'connection:create');
    const a = await $.ssh(cfg)`echo a`;
    const b = await $.ssh(cfg)`echo b`;
    expect([a.stdout, b.stdout]).toEqual(['a\n', 'b\n']);
    expect(a.target).toBe(`${host.username}@127.0.0.1:${host.port}`);
    expect(created).toHaveLength(1);
    expect($.ssh(cfg).getPoolStats()).toMatchObject({ connectionsCreated: 1, total: 1 });
  });

  it('the same key given as a path or as text is the same identity', async () => {
    const created = record($.ssh(cfg), 'connection:create');
    await $.ssh(cfg)`true`;
    await $.ssh({ ...cfg, privateKey: host.privateKey })`true`;
    expect(created).toHaveLength(1);
  });

  it('different credentials never share a connection', async () => {
    const other = { ...cfg, password: 'an-unused-password' };
    const mine = record($.ssh(cfg), 'connection:create');
    const theirs = record($.ssh(other), 'connection:create');
    await $.ssh(cfg)`true`;
    await $.ssh(other)`true`;
    expect(mine).toHaveLength(1);
    expect(theirs).toHaveLength(1);
    expect(mine[0]?.id).not.toBe(theirs[0]?.id);
    await $.ssh(other).closePool();
  });

  it('other pool options get a pool of their own', async () => {
    const small = $.ssh(cfg, { pool: { max: 1 } });
    await small`true`;
    expect(small.getPoolStats().max).toBe(1);
    expect($.ssh(cfg).getPoolStats()).toMatchObject({ max: 5, connectionsCreated: 0 });
    expect($.ssh(cfg, { pool: { max: 1 } }).getPoolStats().connectionsCreated).toBe(1);
    await small.closePool();
  });

  it('a closed pool leaves the registry: the next $.ssh gets a new pool, the old handle refuses', async () => {
    const first = $.ssh(cfg);
    await first`true`;
    await first.closePool();
    await expect(first`true`).rejects.toBeInstanceOf(PoolClosedError);
    const again = $.ssh(cfg);
    expect(again.getPoolStats().connectionsCreated).toBe(0);
    await expect(again`echo back`).resolves.toMatchObject({ stdout: 'back\n' });
  });
});
