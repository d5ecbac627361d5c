import { testHost } from '@rexec/testing';
import { describe, expect, it } from 'vitest';
import { runFixture } from './child-process.js';

const host = testHost();

describe('idle pooled connections never keep the process alive', () => {
  it('a script that never calls closePool() exits right after its last command', async () => {
    const child = runFixture('exit-without-close.ts', host);
    const done = await child.waitForLine('done ');
    const exit = await child.exited;
    // One connection still open (never closed), and importing rexec installed no signal handler.
    expect(child.lines.map((line) => line.text)).toContain('last 1 open, 0 signal listeners');
    expect(exit).toMatchObject({ code: 0, signal: null });
    // The pool's idle timeout is 10 minutes: only unref'd sockets and timers let it exit at all.
    // Measured ~50 ms on loopback; the bound is loose because machines are noisy.
    expect(exit.at - done.at).toBeLessThan(3_000);
  });
});
