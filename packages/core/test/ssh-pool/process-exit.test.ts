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

describe('awaiting the pool close at the top level of a script', () => {
  // Every wait inside a close is on unref'd sockets and timers: without a ref'd handle for the length of the
  // close, the loop empties and Node ends the script with exit code 13 ("unsettled top-level await") before
  // the line after the await. The drain case failed about two runs in three, so each case runs three times.
  const runs = 3;

  it.each(['close', 'drain'] as const)('`await remote.%sPool()` as the last statement returns, then the script exits 0', async (mode) => {
    const children = Array.from({ length: runs }, () => runFixture('end-with-pool-close.ts', host, [mode]));
    for (const child of children) {
      const after = await child.waitForLine(`after ${mode} `);
      const exit = await child.exited;
      expect(exit).toMatchObject({ code: 0, signal: null });
      // No connection left; for drain, the command in flight finished before the pool closed.
      expect(after.text).toBe(mode === 'drain' ? 'after drain 0 in-flight-done' : 'after close 0');
      expect(child.lines.map((line) => line.text)).toEqual(['ran remote-ran', after.text]);
      expect(exit.at - after.at).toBeLessThan(3_000);
    }
  });
});
