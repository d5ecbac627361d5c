import { ConfigError } from '@rexec/adapters';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordingAdapter, tick } from '../../test/helpers/recording-adapter.js';
import type { LogEntry } from '../command/log.js';
import { createShell } from './create-shell.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createShell', () => {
  it('calls an adapter factory once, when the first command starts', async () => {
    const adapter = new RecordingAdapter();
    const factory = vi.fn(() => adapter);
    const $ = createShell({ adapter: factory });
    const derived = $.cd('/tmp');
    expect(factory).not.toHaveBeenCalled();
    await $`true`;
    await derived`true`;
    expect(factory).toHaveBeenCalledTimes(1);
    expect(adapter.specs.map((spec) => spec.cwd)).toEqual([undefined, '/tmp']);
  });

  it('derives shells without changing the original', async () => {
    const adapter = new RecordingAdapter(() => ({ exitCode: 1 }));
    const $ = createShell({ adapter, defaults: { env: { A: '1' } } });
    const derived = $.cd('/srv').cd('app').env({ B: '2' }).timeout(1000).nothrow();
    expect((await derived`false`).exitCode).toBe(1);
    expect(adapter.specs[0]).toMatchObject({ cwd: '/srv/app', env: { A: '1', B: '2' }, timeout: 1000 });
    await expect($`false`).rejects.toThrow(/exit code 1/);
    expect(adapter.specs[1]).toMatchObject({ cwd: undefined, env: { A: '1' }, timeout: undefined });
    expect(derived.defaults).toMatchObject({ cwd: '/srv/app', nothrow: true, timeout: 1000 });
    expect($.defaults.nothrow).toBe(false);
  });

  it('a command cwd is relative to the shell cd; an absolute one replaces it', async () => {
    const adapter = new RecordingAdapter();
    const $ = createShell({ adapter }).cd('/srv');
    await $`ls`.cwd('logs');
    await $`ls`.cwd('/var');
    expect(adapter.specs.map((spec) => spec.cwd)).toEqual(['/srv/logs', '/var']);
  });

  it('with(adapter) keeps the defaults and takes the target from the new adapter', async () => {
    const other = new RecordingAdapter(() => ({}), 'ops@db1:2222');
    const $ = createShell({ adapter: new RecordingAdapter() }).cd('/data').with(other);
    const out = await $`df`;
    expect(out.target).toBe('ops@db1:2222');
    expect(other.specs[0]?.cwd).toBe('/data');
  });

  it('masks registered secrets in command, results and errors, but runs the real command', async () => {
    const adapter = new RecordingAdapter(() => ({ exitCode: 1 }));
    const $ = createShell({ adapter, secrets: ['hunter2'] }).mask("t0k'en");
    const cmd = $`login -p ${'hunter2'} -t ${"t0k'en"}`;
    expect(cmd.command).toBe('login -p *** -t ***');
    const error = (await cmd.catch((e: unknown) => e)) as Error & { result: { command: string } };
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('t0k');
    expect(error.result.command).toBe('login -p *** -t ***');
    expect(adapter.specs[0]?.command).toBe("login -p hunter2 -t 't0k'\\''en'");
  });

  it('echoes nothing by default; verbose echoes the masked command and output; quiet silences it', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const adapter = new RecordingAdapter((spec) => {
      spec.onStdoutLine?.('out line');
      spec.onStderrLine?.('err line');
      return {};
    });
    const $ = createShell({ adapter, secrets: ['s3cret'] });
    await $`echo ${'s3cret'}`;
    expect(stderr).not.toHaveBeenCalled();
    expect(stdout).not.toHaveBeenCalled();
    await $.verbose()`echo ${'s3cret'}`;
    expect(stderr.mock.calls.map(([text]) => text)).toEqual(['[deploy@web1:22] $ echo ***\n', 'err line\n']);
    expect(stdout.mock.calls.map(([text]) => text)).toEqual(['out line\n']);
    stderr.mockClear();
    await $.verbose()`echo quiet`.quiet();
    await $.verbose().quiet()`echo quiet`;
    expect(stderr).not.toHaveBeenCalled();
  });

  it('is lazy: nothing runs for a command that is built but whose microtask has not come', async () => {
    const adapter = new RecordingAdapter();
    const cmd = createShell({ adapter })`true`;
    expect(adapter.specs).toHaveLength(0);
    await tick();
    expect(adapter.specs).toHaveLength(1);
    await cmd;
  });

  it.each([
    [{}, 'adapter'],
    [{ adapter: {} }, 'adapter'],
    [{ adapter: new RecordingAdapter(), verbose: true }, 'verbose'],
    [{ adapter: new RecordingAdapter(), defaults: { timeout: -5 } }, 'timeout'],
    [{ adapter: new RecordingAdapter(), defaults: { timout: 5 } }, 'timout'],
    [{ adapter: new RecordingAdapter(), defaults: { maxBuffer: 0 } }, 'maxBuffer'],
    [{ adapter: new RecordingAdapter(), defaults: { nothrow: 'yes' } }, 'nothrow'],
    [{ adapter: new RecordingAdapter(), defaults: { env: { A: 1 } } }, 'env'],
    [{ adapter: new RecordingAdapter(), secrets: [1] }, 'secrets'],
    [{ adapter: new RecordingAdapter(), defaults: { shell: '' } }, 'shell'],
    [{ adapter: new RecordingAdapter(), defaults: { pipefail: true } }, 'pipefail'],
    [{ adapter: new RecordingAdapter(), defaults: { shell: '/bin/sh', pipefail: true } }, 'pipefail'],
    [{ adapter: new RecordingAdapter(), defaults: { log: console } }, 'log'],
    [{ adapter: new RecordingAdapter(), defaults: { timeoutSignal: 'TERM' } }, 'timeoutSignal'],
  ])('rejects options %j with a ConfigError naming %s', (options, option) => {
    let caught: unknown;
    try {
      createShell(options as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).option).toBe(option);
  });

  it('rejects bad values in derived shells with ConfigError', () => {
    const $ = createShell({ adapter: new RecordingAdapter() });
    expect(() => $.timeout(Number.NaN)).toThrow(ConfigError);
    expect(() => $.timeout(-1)).toThrow(/finite number of milliseconds >= 0/);
    expect(() => $.cd('')).toThrow(ConfigError);
    expect(() => $.with({} as never)).toThrow(/Adapter contract/);
  });

  it('shell() and pipefail() run each command under that shell, with set -o pipefail first', async () => {
    const adapter = new RecordingAdapter();
    const $ = createShell({ adapter });
    const bash = $.shell('/bin/bash');
    await bash`echo ${'a b'} | cat`;
    await bash.pipefail()`false | true`;
    await createShell({ adapter, defaults: { shell: '/usr/bin/zsh', pipefail: true } })`x`;
    await $`plain`;
    expect(adapter.specs.map((spec) => spec.command)).toEqual([
      "exec /bin/bash -c 'echo '\\''a b'\\'' | cat'",
      "exec /bin/bash -c 'set -o pipefail\nfalse | true'",
      "exec /usr/bin/zsh -c 'set -o pipefail\nx'",
      'plain',
    ]);
    expect(bash.pipefail().defaults).toMatchObject({ shell: '/bin/bash', pipefail: true });
  });

  it('refuses pipefail where the shell lacks it, whichever is set last', () => {
    const $ = createShell({ adapter: new RecordingAdapter() });
    expect(() => $.pipefail()).toThrow(/needs a shell that has it/);
    expect(() => $.shell('/bin/sh').pipefail()).toThrow(/not supported by \/bin\/sh/);
    expect(() => $.shell('/bin/bash').pipefail().shell('/bin/dash')).toThrow(/turn pipefail off first/);
    expect($.shell('/bin/bash').pipefail().pipefail(false).shell('/bin/dash').defaults).toMatchObject({ shell: '/bin/dash', pipefail: false });
    expect(() => $.shell('')).toThrow(ConfigError);
  });

  it('log(hook) receives what verbose shows, instead of stderr and stdout', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const entries: LogEntry[] = [];
    const adapter = new RecordingAdapter((spec) => {
      spec.onStdoutLine?.('out line');
      spec.onStderrLine?.('err line');
      return {};
    });
    const $ = createShell({ adapter, secrets: ['s3cret'] }).verbose().log((entry) => entries.push(entry));
    await $`echo ${'s3cret'}`;
    expect(entries).toEqual([
      { kind: 'command', command: 'echo ***', target: 'deploy@web1:22' },
      { kind: 'stdout', line: 'out line', command: 'echo ***', target: 'deploy@web1:22' },
      { kind: 'stderr', line: 'err line', command: 'echo ***', target: 'deploy@web1:22' },
    ]);
    expect(stderr).not.toHaveBeenCalled();
    expect(stdout).not.toHaveBeenCalled();
    expect(() => $.log('stderr' as never)).toThrow(ConfigError);
  });

  it('a log hook that throws fails the command with its error', async () => {
    const $ = createShell({ adapter: new RecordingAdapter() }).verbose().log(() => {
      throw new Error('logger down');
    });
    await expect($`true`).rejects.toThrow('logger down');
  });
});
