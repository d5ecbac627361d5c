import { ConfigError } from '@rexec/adapters';
import { describe, expect, it } from 'vitest';
import { checkPipefail, commandForShell, shellName, validateShellPath } from './shell-choice.js';

function thrown(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected a throw');
}

describe('shell and pipefail', () => {
  it('judges a shell by its name', () => {
    expect(['/bin/bash', '/usr/local/bin/bash5', 'zsh', '/bin/ksh93', '/bin/sh'].map(shellName)).toEqual(['bash', 'bash', 'zsh', 'ksh', 'sh']);
  });

  it('accepts pipefail with bash, zsh and ksh; refuses sh and dash by name, naming the option being set', () => {
    for (const shell of ['/bin/bash', '/usr/bin/zsh', '/bin/ksh', 'mksh']) expect(() => checkPipefail(shell, true, 'pipefail')).not.toThrow();
    for (const shell of ['/bin/sh', '/usr/bin/dash', '/bin/ash']) {
      const error = thrown(() => checkPipefail(shell, true, 'shell'));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.option).toBe('shell');
      expect(error.message).toContain(`pipefail is not supported by ${shell}`);
      expect(error.message).toContain("Use shell: '/bin/bash'");
    }
    expect(() => checkPipefail('/bin/sh', false, 'shell')).not.toThrow();
  });

  it('refuses pipefail without a shell (the transport default may be dash) and with a shell it does not know', () => {
    expect(thrown(() => checkPipefail(undefined, true, 'pipefail')).message).toMatch(/needs a shell that has it.*\$\.shell\('\/bin\/bash'\)\.pipefail\(\)/s);
    expect(thrown(() => checkPipefail('/usr/bin/fish', true, 'pipefail')).message).toMatch(/cannot tell whether \/usr\/bin\/fish supports pipefail/);
  });

  it('validates the shell path', () => {
    for (const bad of ['', '  ', 'ba\0sh', 'a\nb', 5, undefined]) expect(thrown(() => validateShellPath(bad)).option).toBe('shell');
    expect(validateShellPath('/opt/my shell/bash')).toBe('/opt/my shell/bash');
  });

  it('runs the command under the shell with exec (one process), with set -o pipefail first when asked', () => {
    expect(commandForShell("echo 'hi'", undefined, false)).toBe("echo 'hi'");
    expect(commandForShell("echo 'hi'", '/bin/bash', false)).toBe("exec /bin/bash -c 'echo '\\''hi'\\'''");
    expect(commandForShell('false | true', '/opt/my shell/bash', true)).toBe("exec '/opt/my shell/bash' -c 'set -o pipefail\nfalse | true'");
  });
});
