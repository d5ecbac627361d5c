import { describe, expect, it } from 'vitest';
import type { ExecOptions, PeerSession } from '../peers/peer.js';
import { inDirectory, shellQuote } from '../peers/ssh2-client.js';
import { DEPLOY_COMMANDS, deployOnce } from './deploy.js';

/** A remote that answers the deploy's commands (VERSION is kept) and records them. */
function fakeRemote(alive = true): { session: PeerSession; calls: Array<[string, ExecOptions | undefined]> } {
  const calls: Array<[string, ExecOptions | undefined]> = [];
  let version = '';
  const session: PeerSession = {
    exec: (command, options) => {
      calls.push([command, options]);
      if (command.startsWith('mktemp')) return Promise.resolve('/tmp/rexec-demo.abc123\n');
      if (command.includes('/VERSION') && options?.stdin !== undefined) version = options.stdin;
      if (command.startsWith('kill -0')) return Promise.resolve(alive ? 'alive\n' : '');
      if (command === 'cat current/VERSION') return Promise.resolve(version);
      return Promise.resolve('');
    },
    close: () => Promise.resolve(),
  };
  return { session, calls };
}

describe('deployOnce', () => {
  it('runs the steps of examples/deploy.ts: stdin for the two files, cwd and nothrow where the example uses them', async () => {
    const { session, calls } = fakeRemote();
    await deployOnce(session, 't');
    expect(calls).toHaveLength(DEPLOY_COMMANDS);
    expect(calls.filter(([, options]) => options?.stdin !== undefined).map(([command]) => command)).toEqual([
      expect.stringMatching(/^cat > '\/tmp\/rexec-demo\.abc123\/releases\/v\d+-t\/VERSION'$/),
      expect.stringMatching(/server\.sh'$/),
    ]);
    expect(calls.filter(([, options]) => options?.cwd === '/tmp/rexec-demo.abc123')).toHaveLength(6);
    expect(calls.filter(([, options]) => options?.nothrow === true)).toHaveLength(3);
    expect(calls.at(-1)?.[0]).toMatch(/rm -rf '\/tmp\/rexec-demo\.abc123'$/);
  });

  it('fails a deploy whose service is not alive, and still cleans up', async () => {
    const { session, calls } = fakeRemote(false);
    await expect(deployOnce(session, 't')).rejects.toThrow(/health check/);
    expect(calls.at(-1)?.[0]).toMatch(/rm -rf/);
  });
});

describe('raw command lines', () => {
  it('quotes words for sh and puts cd on a line of its own', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(inDirectory('a & b', '/tmp/x y')).toBe("cd '/tmp/x y' || exit\na & b");
    expect(inDirectory('true', undefined)).toBe('true');
  });
});
