import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, CommandError, ConfigError, LocalAdapter, ProcessOutput, TimeoutError, createShell, quote } from '../src/index.js';
import { waitUntilGone } from '@rexec/testing';

let dir: string;
beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'rexec-dollar-')));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('$ on this machine', () => {
  it('runs a command with each value as one argument', async () => {
    const hostile = "it's $HOME; `id` $(id) *\n-n";
    const out = await $`printf '%s|' ${hostile} ${['a b', '']} ${42}`;
    expect(out).toBeInstanceOf(ProcessOutput);
    expect(out.stdout).toBe(`${hostile}|a b||42|`);
    expect(out).toMatchObject({ ok: true, exitCode: 0, signal: null, target: 'local' });
    expect(out.command).toBe(`printf '%s|' ${quote(hostile)} 'a b' '' 42`);
  });

  it('interpolates a result as its trimmed stdout', async () => {
    const name = await $`echo '  spaced name  '`;
    expect((await $`printf '[%s]' ${name}`).stdout).toBe('[spaced name]');
  });

  it('$.raw inserts values unquoted', async () => {
    expect((await $.raw`echo ${'a   b'} ${'$((1+2))'}`).stdout).toBe('a b 3\n');
  });

  it('rejects a failure with CommandError: command, exit code and stderr head', async () => {
    const error = await $`echo "disk full" >&2; exit 3`.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toBe('Command failed: echo "disk full" >&2; exit 3\nexit code 3\nstderr: disk full');
    expect((error as CommandError).result.exitCode).toBe(3);
  });

  it('nothrow resolves, and a signal death reports 128 + n', async () => {
    const out = await $`kill -KILL $$`.nothrow();
    expect(out).toMatchObject({ ok: false, exitCode: 137, signal: 'SIGKILL' });
  });

  it('a timeout kills the whole tree and rejects with TimeoutError', async () => {
    const error = await $`echo $$; sleep 318 & echo $!; sleep 318`.timeout(1500).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    const result = (error as TimeoutError).result;
    expect(result?.signal).toBe('SIGTERM');
    const pids = (result?.stdout ?? '').trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    expect(await waitUntilGone(pids)).toEqual([]);
  });

  it('an aborted signal kills the command and rejects with a canceled CommandError', async () => {
    const controller = new AbortController();
    const pending = $`sleep 318`.signal(controller.signal).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 100);
    const error = await pending;
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ isCanceled: true });
    expect((error as Error).message).toContain('it was aborted');
  });

  it('streams stdout lines with for await', async () => {
    const seen: string[] = [];
    for await (const line of $`for i in 1 2 3; do echo "line $i"; done`) seen.push(line);
    expect(seen).toEqual(['line 1', 'line 2', 'line 3']);
  });

  it('breaking out of for await kills the command', async () => {
    const cmd = $`echo first; sleep 318`;
    for await (const line of cmd) {
      expect(line).toBe('first');
      break;
    }
    await expect(cmd).rejects.toMatchObject({ isCanceled: true });
  });

  it('feeds stdin and applies cwd and env', async () => {
    const out = await $`cat; pwd; echo "$GREETING"`.stdin(Readable.from(['from a stream\n'])).cwd(dir).env({ GREETING: 'hi there' });
    expect(out.lines()).toEqual(['from a stream', dir, 'hi there']);
    expect(await $`cat`.stdin('text in').text()).toBe('text in');
  });

  it('parses JSON output', async () => {
    expect(await $`echo '{"n": 1}'`.json<{ n: number }>()).toEqual({ n: 1 });
  });

  it('rejects a cwd that does not exist with a ConfigError naming it', async () => {
    const missing = join(dir, 'nope');
    const error = await $`ls`.cwd(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(missing);
  });

  it('output over maxBuffer kills the command and keeps the head', async () => {
    const small = createShell({ adapter: new LocalAdapter(), defaults: { maxBuffer: 1000 } });
    const error = await small`yes`.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ isMaxBuffer: true });
    expect((error as CommandError).result.stdout).toBe('y\n'.repeat(500));
    expect((error as CommandError).result.ok).toBe(false);
  });

  it('rejects bad input before anything runs', () => {
    expect(() => $`echo ${undefined}`).toThrow(TypeError);
    expect(() => $`echo ${'\0'}`).toThrow(TypeError);
    expect(() => $``).toThrow(ConfigError);
    expect(() => $`sleep 1`.timeout(-1)).toThrow(ConfigError);
  });
});
