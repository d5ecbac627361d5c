import { ConfigError } from '@rexec/adapters';
import { describe, expect, it } from 'vitest';
import { RecordingAdapter, tick } from '../../test/helpers/recording-adapter.js';
import type { LogEntry } from '../command/log.js';
import { createShell } from './create-shell.js';
import { within } from './within.js';

describe('within(defaults, fn)', () => {
  it('applies cwd, env, timeout and nothrow to every command started inside, across awaits and timers', async () => {
    const adapter = new RecordingAdapter(() => ({ exitCode: 1 }));
    const $ = createShell({ adapter });
    const result = await within({ cwd: '/srv', env: { A: '1' }, timeout: 500, nothrow: true }, async () => {
      const first = await $`one`;
      await tick();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await $`two`;
      return [first.exitCode, second.exitCode];
    });
    expect(result).toEqual([1, 1]);
    expect(adapter.specs.map((spec) => [spec.cwd, spec.env, spec.timeout])).toEqual([
      ['/srv', { A: '1' }, 500],
      ['/srv', { A: '1' }, 500],
    ]);
    await expect($`outside`).rejects.toThrow(/exit code 1/);
    expect(adapter.specs[2]).toMatchObject({ cwd: undefined, env: undefined, timeout: undefined });
  });

  it("a shell's own defaults and a command's modifiers win; a relative cd or cwd joins within's cwd, env merges", async () => {
    const adapter = new RecordingAdapter();
    const $ = createShell({ adapter });
    await within({ cwd: '/srv', env: { A: 'within', B: 'within' }, timeout: 500 }, async () => {
      await $.cd('app').env({ B: 'shell' }).timeout(9000)`x`;
      await $.cd('/abs')`x`.cwd('sub');
      await $`x`.env({ A: 'command' }).timeout(1);
    });
    expect(adapter.specs.map((spec) => [spec.cwd, spec.env, spec.timeout])).toEqual([
      ['/srv/app', { A: 'within', B: 'shell' }, 9000],
      ['/abs/sub', { A: 'within', B: 'within' }, 500],
      ['/srv', { A: 'command', B: 'within' }, 1],
    ]);
  });

  it('nests: the inner block adds to the outer one, and the outer comes back after it', async () => {
    const adapter = new RecordingAdapter();
    const $ = createShell({ adapter });
    await within({ cwd: '/srv', env: { A: '1' } }, async () => {
      await within({ cwd: 'logs', env: { B: '2' }, timeout: 10 }, () => $`inner`);
      await $`outer`;
    });
    expect(adapter.specs.map((spec) => [spec.cwd, spec.env, spec.timeout])).toEqual([
      ['/srv/logs', { A: '1', B: '2' }, 10],
      ['/srv', { A: '1' }, undefined],
    ]);
  });

  it('turns echo on or off, through its log hook too', async () => {
    const entries: LogEntry[] = [];
    const adapter = new RecordingAdapter((spec) => {
      spec.onStdoutLine?.('printed');
      return {};
    });
    const $ = createShell({ adapter });
    await within({ verbose: true, log: (entry) => entries.push(entry) }, async () => {
      await $`echo printed`;
      await within({ quiet: true }, () => $`echo quiet`);
    });
    expect(entries).toEqual([
      { kind: 'command', command: 'echo printed', target: 'deploy@web1:22' },
      { kind: 'stdout', line: 'printed', command: 'echo printed', target: 'deploy@web1:22' },
    ]);
  });

  it('returns what fn returns, also when fn is synchronous', () => {
    expect(within({ nothrow: true }, () => 42)).toBe(42);
  });

  it.each([
    [{ cwd: '' }, 'cwd'],
    [{ timeout: -1 }, 'timeout'],
    [{ env: { 'A-B': 'x' } }, 'env'],
    [{ nothrow: 'yes' }, 'nothrow'],
    [{ log: 'stderr' }, 'log'],
    [{ shell: '/bin/bash' }, 'shell'],
    [null, 'defaults'],
  ])('refuses %j with a ConfigError naming %s, before fn runs', (defaults, option) => {
    let ran = false;
    let caught: unknown;
    try {
      within(defaults as never, () => (ran = true));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).option).toBe(option);
    expect(ran).toBe(false);
  });

  it('needs a function', () => {
    expect(() => within({}, undefined as never)).toThrow(TypeError);
  });
});
