/**
 * `.pipe()` across targets against the harness sshd (docs/commands.md#pipes): local → remote, remote → local
 * and remote → remote, bytes exact at both ends, a failing side in each direction ending the other.
 * (Pipes on one transport are in the conformance table.)
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHost } from '@rexec/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { $, CommandError, ConfigError } from '../../src/index.js';
import { targetOf } from '../ssh-pool/support.js';

const host = testHost();
const remote = $.ssh(targetOf(host));
// A second handle with its own pool: remote → remote really crosses two connections.
const other = $.ssh(targetOf(host, { pool: { max: 1, maxChannels: 2 } }));
const remoteTarget = `${host.username}@127.0.0.1:${host.port}`;
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "rexec pipe '"));
  dirs.push(dir);
  return dir;
};
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

afterAll(async () => {
  await Promise.all([remote.closePool(), other.closePool()]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The error a command rejected with (fails the test when it resolved). */
async function rejection(command: PromiseLike<unknown>): Promise<CommandError> {
  try {
    await command;
  } catch (error) {
    expect(error).toBeInstanceOf(CommandError);
    return error as CommandError;
  }
  throw new Error('expected the pipe to reject');
}

describe('pipes across targets', () => {
  it('local → remote: a tar stream of a tree unpacks on the remote host, file for file', async () => {
    const source = tempDir();
    const dest = tempDir();
    mkdirSync(join(source, 'sub dir'));
    writeFileSync(join(source, 'sub dir', 'a file'), 'alpha\n');
    writeFileSync(join(source, '-dash'), randomBytes(100_000));
    const result = await $`tar c -C ${source} .`.pipe(remote`tar x -C ${dest}`);
    expect(result.target).toBe(remoteTarget);
    expect(readFileSync(join(dest, 'sub dir', 'a file'), 'utf8')).toBe('alpha\n');
    expect(readFileSync(join(dest, '-dash')).equals(readFileSync(join(source, '-dash')))).toBe(true);
  });

  it('remote → local: 50 MiB of random bytes arrive exactly (sha256 equal at both ends)', async () => {
    const dir = tempDir();
    const data = randomBytes(50 * 1024 * 1024);
    writeFileSync(join(dir, 'big.bin'), data);
    const sum = await remote`cat ${join(dir, 'big.bin')}`.pipe($`sha256sum`);
    expect(sum.stdout).toBe(`${sha256(data)}  -\n`);
    expect(sum.target).toBe('local');
  });

  it('remote → remote over two pools: bytes exact, and .buffer() of the end of the pipe', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const out = await remote`cat`.stdin(data).pipe(other`cat`).buffer();
    expect(out.equals(data)).toBe(true);
  });

  it('a failing local source ends the remote reader and the pipe rejects with the source\'s error', async () => {
    const started = Date.now();
    const error = await rejection($`printf 'half'; exit 5`.pipe(remote`cat >/dev/null; sleep 30`));
    expect(error.exitCode).toBe(5);
    expect(error.target).toBe('local');
    expect(error.command).toBe("printf 'half'; exit 5");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a failing remote reader ends the local source (which would print forever) and the pipe rejects with the reader\'s error', async () => {
    const error = await rejection($`yes`.pipe(remote`head -c 1000 >/dev/null; exit 6`));
    expect(error.exitCode).toBe(6);
    expect(error.target).toBe(remoteTarget);
  });

  it('a failing remote source ends the other remote side; a remote reader stopping early is not a failure', async () => {
    const error = await rejection(remote`echo x; exit 7`.pipe(other`cat; sleep 30`));
    expect([error.exitCode, error.command]).toEqual([7, 'echo x; exit 7']);
    const head = await remote`yes`.pipe(other`head -n 3`);
    expect(head.stdout).toBe('y\ny\ny\n');
  });

  it('refuses what cannot work, with a ConfigError naming it', async () => {
    const source = $`echo once`;
    const first = source.pipe($`cat`);
    expect(() => source.pipe($`cat`)).toThrow(ConfigError);
    expect(() => $`echo`.pipe('cat' as never)).toThrow(/takes a command/);
    expect(() => $`echo`.retry(2).pipe($`cat`)).toThrow(/piped into another command/);
    const self = $`cat`;
    expect(() => self.stdin(self)).toThrow(/its own stdout/);
    expect((await first).stdout).toBe('once\n');
  });
});
