import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('timers', () => {
  it('never keep the process alive: a script leaving a pool with every timer armed (and nothing pending) exits on its own', async () => {
    const script = fileURLToPath(new URL('./fixtures/idle-pool.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | string>((resolve) => {
      // Every timer in the script is 60 s long: an exit well before that means none held the process.
      const guard = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('still running after 20 s');
      }, 20_000);
      child.on('exit', (exitCode) => {
        clearTimeout(guard);
        resolve(exitCode ?? -1);
      });
    });
    expect(stderr).toBe('');
    expect(stdout).toBe('ready 3 open\n');
    expect(code).toBe(0);
  });
});
