import { Readable } from 'node:stream';
import { CommandError, ConfigError, ConnectionError, KillRequest, TimeoutError, exitCodeForSignal, type ExecResult } from '@rexec/adapters';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordingAdapter, tick } from '../../test/helpers/recording-adapter.js';
import { createShell } from '../shell/create-shell.js';
import type { Command } from './command.js';
import type { LogEntry } from './log.js';
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

/** An adapter whose commands run until their AbortSignal aborts, then report the signal the kill asked for. */
function killableAdapter(): RecordingAdapter {
  return new RecordingAdapter(async (spec) => {
    await new Promise((resolve) => spec.signal?.addEventListener('abort', resolve));
    const reason: unknown = spec.signal?.reason;
    const signal = KillRequest.is(reason) ? reason.signal : 'SIGTERM';
    return { exitCode: exitCodeForSignal(signal), signal, isCanceled: true };
  });
}

describe('Command: kill()', () => {
  it('aborts the running command with a KillRequest for the signal asked; it rejects as canceled, saying .kill()', async () => {
    const adapter = killableAdapter();
    const cmd = createShell({ adapter })`sleep 9`;
    await tick();
    expect(cmd.kill('SIGKILL')).toBe(true);
    const reason: unknown = adapter.specs[0]?.signal?.reason;
    expect(KillRequest.is(reason) && reason.signal).toBe('SIGKILL');
    const error = (await cmd.catch((e: unknown) => e)) as CommandError;
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ isCanceled: true, signal: 'SIGKILL', exitCode: 137 });
    expect(error.message).toContain('killed by .kill() (SIGKILL, exit code 137)');
    expect(cmd.kill()).toBe(false);
  });

  it('defaults to SIGTERM, and resolves with .nothrow()', async () => {
    const cmd = createShell({ adapter: killableAdapter() })`sleep 9`.nothrow();
    await tick();
    cmd.kill();
    expect(await cmd).toMatchObject({ ok: false, isCanceled: true, signal: 'SIGTERM', exitCode: 143 });
  });

  it('before the command started: it never runs, and settles as killed by that signal', async () => {
    const adapter = new RecordingAdapter();
    const cmd = createShell({ adapter })`rm -rf build`;
    expect(cmd.kill('SIGINT')).toBe(true);
    await expect(cmd).rejects.toMatchObject({ isCanceled: true, signal: 'SIGINT', exitCode: 130, target: 'deploy@web1:22' });
    expect(adapter.specs).toHaveLength(0);
  });

  it('refuses a name that is not a signal with ConfigError, and the command goes on', async () => {
    const cmd = createShell({ adapter: new RecordingAdapter() })`true`;
    expect(() => cmd.kill('KILL' as NodeJS.Signals)).toThrow(/signal name .*write 'SIGKILL'/);
    expect(() => cmd.kill(9 as unknown as NodeJS.Signals)).toThrow(ConfigError);
    expect((await cmd).ok).toBe(true);
  });
});

describe('Command: timeout(ms, signal)', () => {
  it('hands the signal to the adapter as timeoutSignal; a bad name is a ConfigError', async () => {
    const adapter = new RecordingAdapter();
    const $ = createShell({ adapter });
    await $`sleep 1`.timeout(10, 'SIGKILL');
    await $.timeout(20, 'SIGINT')`sleep 1`;
    await $`sleep 1`.timeout(0, 'SIGKILL');
    expect(adapter.specs.map((spec) => [spec.timeout, spec.timeoutSignal])).toEqual([[10, 'SIGKILL'], [20, 'SIGINT'], [undefined, undefined]]);
    expect(() => $`x`.timeout(10, 'SIGNOPE' as NodeJS.Signals)).toThrow(ConfigError);
  });
});

describe('Command: retry()', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Answers with the exit codes in turn (the last one for every later run). */
  const exits = (...codes: number[]) => {
    let run = 0;
    return new RecordingAdapter(() => ({ exitCode: codes[Math.min(run++, codes.length - 1)] ?? 0, stderr: `run ${run}` }));
  };

  it('runs a failing command again until it succeeds; the result says how many runs it took', async () => {
    const adapter = exits(1, 2, 0);
    const out = await createShell({ adapter })`flaky`.retry(3);
    expect(out).toMatchObject({ ok: true, attempts: 3 });
    expect(adapter.specs).toHaveLength(3);
  });

  it('rejects after times + 1 runs with the last error, which says its attempts', async () => {
    const error = (await createShell({ adapter: exits(1, 1, 7) })`broken`.retry(2).catch((e: unknown) => e)) as CommandError;
    expect(error).toMatchObject({ exitCode: 7, attempts: 3, stderr: 'run 3' });
    expect(error.result.attempts).toBe(3);
    expect(error.message).toMatch(/^Command failed on deploy@web1:22 after 3 attempts: broken/);
  });

  it('waits the backoff between runs (fake timers)', async () => {
    vi.useFakeTimers();
    const started = Date.now();
    const at: number[] = [];
    const adapter = new RecordingAdapter(() => {
      at.push(Date.now() - started);
      return { exitCode: at.length < 4 ? 1 : 0 };
    });
    const cmd = createShell({ adapter })`flaky`.retry({ times: 5, delay: 100, backoff: 'exponential' });
    await vi.runAllTimersAsync();
    expect((await cmd).attempts).toBe(4);
    expect(at).toEqual([0, 100, 300, 700]);
  });

  it('with .nothrow() retries still, then resolves with the last output', async () => {
    const adapter = exits(1, 3);
    const out = await createShell({ adapter })`broken`.retry(1).nothrow();
    expect(out).toMatchObject({ ok: false, exitCode: 3, attempts: 2 });
  });

  it('asks `when`; by default a lost connection that may have run the command is not run again', async () => {
    const lost = new ConnectionError('lost', 'deploy@web1:22', { started: true });
    const adapter = new RecordingAdapter(() => Promise.reject(lost));
    await expect(createShell({ adapter })`deploy`.retry(3)).rejects.toBe(lost);
    expect(adapter.specs).toHaveLength(1);
    const opted: RecordingAdapter = new RecordingAdapter(() => (opted.specs.length === 1 ? Promise.reject(lost) : {}));
    expect((await createShell({ adapter: opted })`deploy`.retry({ times: 1, when: () => true })).attempts).toBe(2);
  });

  it('a `when` that throws settles the command with that error', async () => {
    const broken = new Error('when broke');
    const cmd = createShell({ adapter: exits(1) })`x`.retry({
      times: 2,
      when: () => {
        throw broken;
      },
    });
    await expect(cmd).rejects.toBe(broken);
  });

  it('never retries a canceled command, and kill() during the wait stops the retries', async () => {
    const adapter = killableAdapter();
    const cmd = createShell({ adapter })`sleep 9`.retry(3);
    await tick();
    cmd.kill();
    await expect(cmd).rejects.toMatchObject({ isCanceled: true });
    expect(adapter.specs).toHaveLength(1);

    const failing = exits(1);
    const waiting = createShell({ adapter: failing })`flaky`.retry({ times: 3, delay: 60_000 });
    await tick();
    expect(failing.specs).toHaveLength(1);
    waiting.kill('SIGINT');
    const error = (await waiting.catch((e: unknown) => e)) as CommandError;
    expect(error).toMatchObject({ isCanceled: true, signal: 'SIGINT', attempts: 1 });
    expect((error.cause as CommandError).exitCode).toBe(1);
    expect(failing.specs).toHaveLength(1);
  });

  it('refuses a stream as stdin with retries (it is read once), in either order', async () => {
    const $ = createShell({ adapter: new RecordingAdapter() });
    expect(() => $`cat`.stdin(Readable.from(['x'])).retry(2)).toThrow(/stream as stdin/);
    const cmd = $`cat`.retry(2);
    expect(() => cmd.stdin(Readable.from(['x']))).toThrow(ConfigError);
    await expect(cmd).rejects.toThrow(ConfigError);
    expect((await $`cat`.stdin('again').retry(1)).ok).toBe(true);
  });

  it('a log hook that throws on the retry entry fails the command with its error, without running it again', async () => {
    const adapter = exits(1, 0);
    const broken = new Error('logger down');
    const $ = createShell({ adapter }).verbose().log((entry) => {
      if (entry.kind === 'retry') throw broken;
    });
    await expect($`flaky`.retry(1)).rejects.toBe(broken);
    expect(adapter.specs).toHaveLength(1);
  });

  it('logs each retry when verbose', async () => {
    const entries: LogEntry[] = [];
    await createShell({ adapter: exits(1, 0) }).verbose().log((entry) => entries.push(entry))`flaky`.retry(1);
    expect(entries.map((entry) => entry.kind)).toEqual(['command', 'retry', 'command']);
    expect(entries[1]).toMatchObject({ kind: 'retry', attempt: 1, attempts: 2, delay: 0, target: 'deploy@web1:22' });
  });
});

describe('Command: cwd() from a ProcessOutput', () => {
  it('takes its trimmed stdout; an empty or multi-line one is a ConfigError', async () => {
    const adapter = new RecordingAdapter();
    const $ = createShell({ adapter });
    const dir = new ProcessOutput({ stdout: '/srv/app\n', stderr: '', exitCode: 0, signal: null, duration: 1, command: 'pwd', target: 'local' });
    await $`ls`.cwd(dir);
    await $.cd(dir)`ls`;
    expect(adapter.specs.map((spec) => spec.cwd)).toEqual(['/srv/app', '/srv/app']);
    const empty = new ProcessOutput({ stdout: '\n', stderr: '', exitCode: 0, signal: null, duration: 1, command: 'true', target: 'local' });
    expect(() => $.cd(empty)).toThrow(/result of `true`, whose stdout is empty/);
    const many = new ProcessOutput({ stdout: 'a\nb\n', stderr: '', exitCode: 0, signal: null, duration: 1, command: 'ls', target: 'local' });
    expect(() => $`ls`.cwd(many)).toThrow(ConfigError);
  });
});
