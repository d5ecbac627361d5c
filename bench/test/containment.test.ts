/**
 * A peer that crashes, hangs, ends the process or is missing comes back as a status from runChild,
 * never as an exception in the parent. Real child processes (through tsx), fixture peers.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ChildTask } from '../src/child/protocol.js';
import { runChild } from '../src/child/run-child.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}-peer.ts`, import.meta.url));

const task = (name: string): ChildTask => ({
  scenario: 'sequential',
  peer: `fixture-${name}`,
  peerModule: fixture(name),
  target: { name: 'none', host: '127.0.0.1', port: 9, username: 'nobody', privateKeyPath: '/nonexistent', knownHostsPath: '/nonexistent' },
  params: { commands: ['true', 'echo hi'], warmup: 1, minIterations: 3, maxIterations: 3, budgetMs: 0, firstCommandCycles: 1 },
});

describe('runChild containment', () => {
  it('returns the figures of a healthy peer', async () => {
    const outcome = await runChild(task('healthy'), { timeoutMs: 20_000 });
    expect(outcome.status).toBe('ok');
    if (outcome.status !== 'ok' || outcome.result.kind !== 'sequential') throw new Error('expected sequential figures');
    expect(outcome.result.commands.map((c) => [c.command, c.samples.length, c.errors])).toEqual([
      ['true', 3, 0],
      ['echo hi', 3, 0],
    ]);
    expect(outcome.process.handlersAdded).toEqual({});
  });

  it('reports a peer that ends the process, the handlers it installed and the rejection it left', async () => {
    const outcome = await runChild(task('exiting'), { timeoutMs: 20_000 });
    expect(outcome.status).toBe('crashed');
    if (outcome.status !== 'crashed' || !('process' in outcome)) throw new Error('expected a crash report from the child');
    expect(outcome.reason).toMatch(/ended the process \(exit code 1\).*lost channel/);
    expect(outcome.process.handlersAdded).toEqual({ SIGINT: 1, unhandledRejection: 1 });
    expect(outcome.process.unhandledRejections).toBeGreaterThan(0);
  });

  it('reports an uncaught exception as a crash', async () => {
    const outcome = await runChild(task('throwing'), { timeoutMs: 20_000 });
    expect(outcome.status).toBe('crashed');
    expect('reason' in outcome ? outcome.reason : '').toMatch(/boom from a timer|exit code 1/);
  });

  it('kills a peer that hangs at the timeout and says so', async () => {
    const outcome = await runChild(task('hanging'), { timeoutMs: 3_000 });
    expect(outcome.status).toBe('hung');
    expect('reason' in outcome ? outcome.reason : '').toMatch(/no result after 3000 ms/);
  });

  it('answers what a child asks through onRequest, and a child without the channel gets an error, not a hang', async () => {
    const asked: unknown[] = [];
    const outcome = await runChild(task('asking'), {
      timeoutMs: 20_000,
      onRequest: (request) => {
        asked.push(request);
        const command = (request as { command?: string }).command;
        return Promise.resolve({ echo: command === 'echo hi' ? 'hi\n' : '' });
      },
    });
    expect(outcome.status).toBe('ok');
    if (outcome.status !== 'ok' || outcome.result.kind !== 'sequential') throw new Error('expected sequential figures');
    expect(outcome.result.commands.map((c) => c.errors)).toEqual([0, 0]);
    expect(asked.length).toBeGreaterThan(6);
    expect(asked[0]).toEqual({ action: 'freeze', command: 'true' });

    const refused = await runChild(task('asking'), { timeoutMs: 20_000 });
    expect(refused.status).toBe('error');
    expect('reason' in refused ? refused.reason : '').toMatch(/no IPC channel/);
  });

  it('reports a missing library as unavailable', async () => {
    const outcome = await runChild(task('missing'), { timeoutMs: 20_000 });
    expect(outcome).toMatchObject({ status: 'unavailable', reason: 'fixture library is not built' });
  });
});
