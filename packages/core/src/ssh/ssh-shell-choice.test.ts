import { ConfigError } from '@rexec/adapters';
import { describe, expect, it } from 'vitest';
import { RecordingAdapter } from '../../test/helpers/recording-adapter.js';
import { $ } from '../dollar.js';
import { createShell } from '../shell/create-shell.js';
import { shellChoiceOf, withShellChoice } from './ssh-shell-choice.js';

describe('$.ssh(target, { shell, pipefail })', () => {
  it('reads the choice from the target object and the options', () => {
    expect(shellChoiceOf('web1', { shell: '/bin/bash', pipefail: true })).toEqual({ shell: '/bin/bash', pipefail: true });
    expect(shellChoiceOf({ host: 'web1', shell: '/bin/zsh' }, undefined)).toEqual({ shell: '/bin/zsh' });
    expect(shellChoiceOf('web1', undefined)).toEqual({});
  });

  it('refuses pipefail without a shell that has it, before any pool exists', () => {
    expect(() => shellChoiceOf('web1', { pipefail: true })).toThrow(ConfigError);
    expect(() => shellChoiceOf('web1', { shell: '/bin/sh', pipefail: true })).toThrow(/not supported by \/bin\/sh/);
    expect(() => shellChoiceOf('web1', { shell: '' })).toThrow(ConfigError);
  });

  it('gives the tag those defaults and keeps the pool handle it carries', async () => {
    const adapter = new RecordingAdapter();
    const handle = { getPoolStats: () => 'stats', closePool: () => Promise.resolve() };
    const tag = Object.assign(createShell({ adapter }), handle);
    const chosen = withShellChoice(tag, { shell: '/bin/bash', pipefail: true });
    await chosen`false | true`;
    expect(adapter.specs[0]?.command).toBe("exec /bin/bash -c 'set -o pipefail\nfalse | true'");
    expect(chosen.getPoolStats()).toBe('stats');
    expect(chosen.defaults).toMatchObject({ shell: '/bin/bash', pipefail: true });
    expect(tag.defaults.shell).toBeUndefined();
    expect(withShellChoice(tag, {})).toBe(tag);
  });

  it('is no part of the pool identity: the same target with and without a shell shares one pool', async () => {
    const target = { host: '127.0.0.1', port: 9, username: 'nobody', password: 'not-used', knownHosts: '/dev/null', agent: false } as const;
    const plain = $.ssh(target);
    const bash = $.ssh(target, { shell: '/bin/bash', pipefail: true });
    const other = $.ssh({ ...target, port: 10 }, { shell: '/bin/bash' });
    try {
      expect(bash.getPoolStats).toBe(plain.getPoolStats);
      expect(other.getPoolStats).not.toBe(plain.getPoolStats);
      expect(bash.defaults).toMatchObject({ shell: '/bin/bash', pipefail: true });
      expect(plain.defaults.shell).toBeUndefined();
    } finally {
      await Promise.all([plain.closePool(), other.closePool()]);
    }
  });
});
