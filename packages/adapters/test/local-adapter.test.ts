import { Readable } from 'node:stream';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, LocalAdapter } from '../src/index.js';

const adapter = new LocalAdapter();
let dir: string;

beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'rexec-local-')));
});
afterAll(async () => {
  await adapter.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('LocalAdapter: running commands', () => {
  it('runs the command with /bin/sh and reports output, exit code and target', async () => {
    const result = await adapter.exec({ command: 'echo out; echo err >&2; exit 3' });
    expect(adapter.target).toBe('local');
    expect(result).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, signal: null });
    expect(result).toMatchObject({ timedOut: false, isCanceled: false, isMaxBuffer: false });
    expect(result.duration).toBeGreaterThan(0);
  });

  it('uses dash for /bin/sh by default and the configured shell when given', async () => {
    const sh = await adapter.exec({ command: 'echo "${BASH_VERSION:-none}"' });
    expect(sh.stdout).toBe('none\n');
    const bash = await new LocalAdapter({ shell: '/bin/bash' }).exec({ command: 'echo "${BASH_VERSION:-none}"' });
    expect(bash.stdout).not.toBe('none\n');
  });

  it('runs in cwd', async () => {
    const result = await adapter.exec({ command: 'pwd', cwd: dir });
    expect(result.stdout).toBe(`${dir}\n`);
  });

  it('merges env onto the parent environment', async () => {
    const result = await adapter.exec({ command: 'echo "$REXEC_A|$PATH"', env: { REXEC_A: 'a b' } });
    expect(result.stdout).toBe(`a b|${process.env.PATH ?? ''}\n`);
  });

  it('feeds stdin from a string, a Buffer and a Readable', async () => {
    expect((await adapter.exec({ command: 'cat', stdin: 'from string' })).stdout).toBe('from string');
    expect((await adapter.exec({ command: 'cat', stdin: Buffer.from([0x61, 0x00, 0x62]) })).stdout).toBe('a\0b');
    const stream = Readable.from(['one\n', 'two\n']);
    expect((await adapter.exec({ command: 'cat', stdin: stream })).stdout).toBe('one\ntwo\n');
  });

  it('gives an empty stdin, never the parent one, when none is set', async () => {
    const result = await adapter.exec({ command: 'cat; echo "read:$?"' });
    expect(result.stdout).toBe('read:0\n');
  });

  it('rejects with the stream error when a stdin stream fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
    await expect(adapter.exec({ command: 'cat', stdin: failing })).rejects.toThrow('disk gone');
  });

  it('calls the line callbacks with each line, across chunks and without a final newline', async () => {
    const out: string[] = [];
    const err: string[] = [];
    await adapter.exec({
      command: "printf 'a\\nb'; sleep 0.05; printf 'c\\r\\nd'; printf 'x\\ny\\n' >&2",
      onStdoutLine: (line) => out.push(line),
      onStderrLine: (line) => err.push(line),
    });
    expect(out).toEqual(['a', 'bc', 'd']);
    expect(err).toEqual(['x', 'y']);
  });

  it('never starts a command whose AbortSignal is already aborted, and reports it canceled', async () => {
    const marker = join(dir, 'ran-although-aborted');
    const result = await adapter.exec({ command: `touch '${marker}'`, signal: AbortSignal.abort() });
    expect(result).toMatchObject({ isCanceled: true, exitCode: 143, signal: 'SIGTERM', stdout: '', timedOut: false });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(realpath(marker)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports exit code 128 + n and the signal name when the command is killed by a signal', async () => {
    const result = await adapter.exec({ command: 'kill -KILL $$' });
    expect(result).toMatchObject({ exitCode: 137, signal: 'SIGKILL', timedOut: false, isCanceled: false });
    const term = await adapter.exec({ command: 'kill -TERM $$' });
    expect(term).toMatchObject({ exitCode: 143, signal: 'SIGTERM' });
  });

  it('keeps the stdout of a command that exits non-zero', async () => {
    const result = await adapter.exec({ command: 'echo partial; false' });
    expect(result).toMatchObject({ stdout: 'partial\n', exitCode: 1 });
  });
});

describe('LocalAdapter: bad input', () => {
  it('rejects a cwd that does not exist with a ConfigError naming the directory', async () => {
    const missing = join(dir, 'no-such-dir');
    const error = await adapter.exec({ command: 'pwd', cwd: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(missing);
    expect((error as ConfigError).option).toBe('cwd');
  });

  it('rejects a cwd that is a file', async () => {
    const file = join(dir, 'file.txt');
    await writeFile(file, 'x');
    await expect(adapter.exec({ command: 'pwd', cwd: file })).rejects.toThrow(/is not a directory/);
  });

  it('rejects a shell that does not exist with a ConfigError naming it', async () => {
    const broken = new LocalAdapter({ shell: '/no/such/shell' });
    const error = await broken.exec({ command: 'true' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('/no/such/shell');
  });

  it.each([
    [{ command: '' }, 'command'],
    [{ command: 'echo \0' }, 'command'],
    [{ command: 'true', timeout: -1 }, 'timeout'],
    [{ command: 'true', timeout: Number.NaN }, 'timeout'],
    [{ command: 'true', maxBuffer: 0 }, 'maxBuffer'],
    [{ command: 'true', env: { A: 1 as unknown as string } }, 'env'],
  ])('rejects a bad spec %j naming %s', async (spec, field) => {
    const error = await adapter.exec(spec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe(field);
  });

  it('refuses to run after dispose', async () => {
    const local = new LocalAdapter();
    await local.dispose();
    await expect(local.exec({ command: 'true' })).rejects.toThrow(/disposed/);
  });
});
