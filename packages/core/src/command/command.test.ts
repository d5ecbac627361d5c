import { CommandError, ConfigError, TimeoutError, type ExecResult } from '@rexec/adapters';
import { describe, expect, it } from 'vitest';
import { RecordingAdapter, tick } from '../../test/helpers/recording-adapter.js';
import { createShell } from '../shell/create-shell.js';
import type { Command } from './command.js';
import { ProcessOutput } from './process-output.js';

describe('Command: when it starts', () => {
  it('starts on the next microtask, so modifiers chained in the same statement apply', async () => {
    const adapter = new RecordingAdapter();
    const $ = createShell({ adapter });
    const cmd = $`echo hi`.timeout(50).cwd('/srv').env({ A: '1' }).stdin('input');
    expect(cmd.stage).toBe('initial');
    expect(adapter.specs).toHaveLength(0);
    await Promise.resolve();
    expect(cmd.stage).toBe('running');
    expect(adapter.specs[0]).toMatchObject({ command: 'echo hi', timeout: 50, cwd: '/srv', env: { A: '1' }, stdin: 'input' });
    await cmd;
    expect(cmd.stage).toBe('settled');
  });

  it('starts at once when awaited (then)', () => {
    const adapter = new RecordingAdapter();
    void createShell({ adapter })`true`.then(() => undefined);
    expect(adapter.specs).toHaveLength(1);
  });

  it('is a Promise whose then/catch return plain promises', async () => {
    const cmd = createShell({ adapter: new RecordingAdapter() })`true`;
    expect(cmd).toBeInstanceOf(Promise);
    const next = cmd.then((out) => out.exitCode);
    expect(next.constructor).toBe(Promise);
    expect(await next).toBe(0);
  });

  it('refuses modifiers once started, naming the modifier', async () => {
    const cmd = createShell({ adapter: new RecordingAdapter() })`true`;
    await tick();
    expect(() => cmd.timeout(5)).toThrow(ConfigError);
    expect(() => cmd.cwd('/x')).toThrow(/\.cwd\(\) was called after the command settled/);
  });

  it('a bad modifier value throws ConfigError, and the command never runs but rejects with it', async () => {
    const adapter = new RecordingAdapter();
    const cmd = createShell({ adapter })`rm -rf build`;
    expect(() => cmd.timeout(-1)).toThrow(ConfigError);
    await tick();
    expect(adapter.specs).toHaveLength(0);
    await expect(cmd).rejects.toThrow(/timeout must be a finite number/);
  });

  it.each([
    ['timeout', (c: Command) => c.timeout(Number.POSITIVE_INFINITY)],
    ['cwd', (c: Command) => c.cwd('')],
    ['env', (c: Command) => c.env({ 'BAD-NAME': 'x' })],
    ['stdin', (c: Command) => c.stdin(5 as unknown as string)],
    ['signal', (c: Command) => c.signal({} as AbortSignal)],
  ])('rejects a bad %s with a ConfigError naming it', async (option, apply) => {
    const cmd = createShell({ adapter: new RecordingAdapter() })`true`;
    let caught: unknown;
    try {
      void apply(cmd);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).option).toBe(option);
    await expect(cmd).rejects.toBe(caught);
  });

  it('accepts .nothrow() while running', async () => {
    let finish!: () => void;
    const adapter = new RecordingAdapter(() => new Promise((resolve) => (finish = () => resolve({ exitCode: 1 }))));
    const cmd = createShell({ adapter })`false`;
    await tick();
    void cmd.nothrow();
    finish();
    expect((await cmd).exitCode).toBe(1);
  });
});

describe('Command: how it settles', () => {
  const shellAnswering = (answer: Partial<ExecResult>) => createShell({ adapter: new RecordingAdapter(() => answer) });

  it('resolves with a ProcessOutput carrying the adapter target', async () => {
    const out = await shellAnswering({ stdout: ' hi \n' })`echo hi`;
    expect(out).toBeInstanceOf(ProcessOutput);
    expect(out).toMatchObject({ stdout: ' hi \n', ok: true, target: 'deploy@web1:22', command: 'echo hi' });
    expect(out.toString()).toBe('hi');
  });

  it('rejects a non-zero exit with CommandError: command, exit code, head of stderr', async () => {
    const error = await shellAnswering({ exitCode: 3, stderr: 'no such file\n' })`cat ${'missing file'}`.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    const { message, result } = error as CommandError;
    expect(message).toContain("cat 'missing file'");
    expect(message).toContain('exit code 3');
    expect(message).toContain('stderr: no such file');
    expect(message).toContain('on deploy@web1:22');
    expect(result).toBeInstanceOf(ProcessOutput);
    expect(result.exitCode).toBe(3);
  });

  it('rejects a timeout with TimeoutError carrying the output', async () => {
    const error = await shellAnswering({ exitCode: 143, signal: 'SIGTERM', timedOut: true, stdout: 'partial' })`sleep 9`
      .timeout(20)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe(20);
    expect((error as TimeoutError).result?.stdout).toBe('partial');
  });

  it('rejects an abort and an overflow with flagged CommandErrors, even with exit code 0', async () => {
    const aborted = await shellAnswering({ exitCode: 143, signal: 'SIGTERM', isCanceled: true })`x`.catch((e: unknown) => e);
    expect(aborted).toMatchObject({ isCanceled: true });
    const overflow = await shellAnswering({ exitCode: 0, isMaxBuffer: true, stdout: 'head' })`x`.catch((e: unknown) => e);
    expect(overflow).toBeInstanceOf(CommandError);
    expect(overflow).toMatchObject({ isMaxBuffer: true, result: { stdout: 'head', ok: false } });
    expect((overflow as Error).message).toContain('maxBuffer');
  });

  it('with nothrow resolves every failure with its flags', async () => {
    const $ = createShell({ adapter: new RecordingAdapter(() => ({ exitCode: 137, signal: 'SIGKILL', timedOut: true })) });
    const out = await $`sleep 9`.nothrow();
    expect(out).toMatchObject({ ok: false, exitCode: 137, signal: 'SIGKILL', timedOut: true });
  });

  it('passes adapter rejections through, nothrow or not', async () => {
    const broken = new RecordingAdapter(() => Promise.reject(new ConfigError('no such cwd', 'cwd')));
    await expect(createShell({ adapter: broken })`ls`.nothrow()).rejects.toThrow('no such cwd');
  });

  it('offers lines(), json() and text()', async () => {
    const $ = createShell({ adapter: new RecordingAdapter(() => ({ stdout: '{"a":[1,2]}\n' })) });
    expect(await $`x`.json<{ a: number[] }>()).toEqual({ a: [1, 2] });
    expect(await $`x`.text()).toBe('{"a":[1,2]}\n');
    expect(await $`x`.lines()).toEqual(['{"a":[1,2]}']);
  });
});

describe('Command: streaming lines with for await', () => {
  it('yields stdout lines as they arrive, then ends', async () => {
    const adapter = new RecordingAdapter(async (spec) => {
      spec.onStdoutLine?.('one');
      await tick();
      spec.onStdoutLine?.('two');
      return { stdout: 'one\ntwo\n' };
    });
    const seen: string[] = [];
    for await (const line of createShell({ adapter })`tail log`) seen.push(line);
    expect(seen).toEqual(['one', 'two']);
  });

  it("throws the command's error after its last line", async () => {
    const adapter = new RecordingAdapter((spec) => {
      spec.onStdoutLine?.('partial');
      return { exitCode: 2, stdout: 'partial\n' };
    });
    const seen: string[] = [];
    const loop = async (): Promise<void> => {
      for await (const line of createShell({ adapter })`broken`) seen.push(line);
    };
    await expect(loop()).rejects.toBeInstanceOf(CommandError);
    expect(seen).toEqual(['partial']);
  });

  it('leaving the loop early aborts the command', async () => {
    let signal: AbortSignal | undefined;
    const adapter = new RecordingAdapter(async (spec) => {
      signal = spec.signal;
      spec.onStdoutLine?.('first');
      spec.onStdoutLine?.('second');
      await new Promise((resolve) => spec.signal?.addEventListener('abort', resolve));
      return { exitCode: 143, signal: 'SIGTERM', isCanceled: true };
    });
    const cmd = createShell({ adapter })`tail -f log`;
    for await (const line of cmd) {
      expect(line).toBe('first');
      break;
    }
    expect(signal?.aborted).toBe(true);
    await expect(cmd).rejects.toMatchObject({ isCanceled: true });
  });

  it('combines its own stop with a user signal', async () => {
    const user = new AbortController();
    const adapter = new RecordingAdapter(async (spec) => {
      await new Promise((resolve) => spec.signal?.addEventListener('abort', resolve));
      return { exitCode: 143, signal: 'SIGTERM', isCanceled: true };
    });
    const cmd = createShell({ adapter })`sleep 9`.signal(user.signal).nothrow();
    const iterator = cmd[Symbol.asyncIterator]();
    const next = iterator.next();
    await tick();
    expect(adapter.specs[0]?.signal?.aborted).toBe(false);
    user.abort();
    expect(await next).toEqual({ value: undefined, done: true });
    expect((await cmd).isCanceled).toBe(true);
  });

  it('iterating a command that already started yields its lines once finished', async () => {
    const adapter = new RecordingAdapter(() => ({ stdout: 'a\nb\n' }));
    const cmd = createShell({ adapter })`x`;
    await tick();
    const seen: string[] = [];
    for await (const line of cmd) seen.push(line);
    expect(seen).toEqual(['a', 'b']);
    expect(adapter.specs[0]?.onStdoutLine).toBeUndefined();
  });
});
