import { describe, expect, it } from 'vitest';
import { CommandError, TimeoutError } from './command-errors.js';
import type { CommandOutput } from './command-output.js';

const output = (over: Partial<CommandOutput> = {}): CommandOutput => ({
  stdout: 'out\n',
  stderr: 'err\n',
  exitCode: 3,
  signal: null,
  ok: false,
  duration: 42,
  command: 'deploy --token ***',
  target: 'ops@web1:22',
  ...over,
});

describe('CommandError', () => {
  it('copies the fields of its result onto itself, keeping result', () => {
    const result = output();
    const error = new CommandError(result);
    expect(error).toMatchObject({
      stdout: 'out\n',
      stderr: 'err\n',
      exitCode: 3,
      signal: null,
      duration: 42,
      command: 'deploy --token ***',
      target: 'ops@web1:22',
      attempts: 1,
      isCanceled: false,
      isMaxBuffer: false,
    });
    expect(error.result).toBe(result);
  });

  it('says how many attempts it took, and that .kill() ended it', () => {
    const error = new CommandError(output({ attempts: 3 }));
    expect(error.attempts).toBe(3);
    expect(error.message).toBe('Command failed on ops@web1:22 after 3 attempts: deploy --token ***\nexit code 3\nstderr: err');
    const killed = new CommandError(output({ exitCode: 137, signal: 'SIGKILL' }), { isCanceled: true, killed: true });
    expect(killed.message).toContain('killed by .kill() (SIGKILL, exit code 137)');
    expect(killed.signal).toBe('SIGKILL');
  });
});

describe('TimeoutError', () => {
  it('copies the fields of what the command printed', () => {
    const error = new TimeoutError('sleep 9', 100, output({ exitCode: 143, signal: 'SIGTERM', attempts: 2 }));
    expect(error).toMatchObject({ timeout: 100, stdout: 'out\n', stderr: 'err\n', exitCode: 143, signal: 'SIGTERM', duration: 42, command: 'deploy --token ***', target: 'ops@web1:22', attempts: 2 });
    expect(error.message).toMatch(/^Timed out after 100 ms on ops@web1:22 after 2 attempts: sleep 9/);
  });

  it('without a command run: empty output, null exit code and signal, no command or target', () => {
    const error = new TimeoutError('creating a resource for ops@web1:22', 5000);
    expect(error).toMatchObject({ stdout: '', stderr: '', exitCode: null, signal: null, duration: 5000, command: undefined, target: undefined, attempts: 1 });
  });
});
