/**
 * Faults that heal fast: the connection's sshd session is killed between two commands (the per-connection
 * sshd processes die, the listener stays: `host.killSessions()`). The next command, issued at once, must
 * succeed: the dead connection is noticed (its close, or a command that did not start on it and moves) and
 * replaced within the command's own path. Six rounds in a row, default options.
 */
import { startSshHost, type SshHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { $ } from '../../src/index.js';
import { record, targetOf } from '../ssh-pool/support.js';
import { note, outcomeOf } from './support.js';

const ROUNDS = 6;
/** A command on a fresh connection is ~30–60 ms on loopback; a replacement must not wait for a back-off (≥ 500 ms). */
const RECOVERY_BOUND_MS = 2000;

let host: SshHost;
beforeAll(async () => {
  host = await startSshHost();
});
afterAll(() => host.stop());

describe('a session killed between commands', () => {
  it(`the next command succeeds, ${ROUNDS} rounds of ${ROUNDS}`, async () => {
    const remote = $.ssh(targetOf(host));
    onTestFinished(() => remote.closePool());
    const created = record(remote, 'connection:create');
    const outcomes: { round: number; ok: boolean; ms: number; error?: string }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      await expect(remote`echo before-${round}`).resolves.toMatchObject({ stdout: `before-${round}\n` });
      await host.killSessions();
      const next = await outcomeOf(remote`echo after-${round}`);
      outcomes.push({
        round,
        ok: next.ok && (next.value as { stdout?: string }).stdout === `after-${round}\n`,
        ms: Math.round(next.ms),
        ...(next.ok ? {} : { error: String(next.error) }),
      });
    }
    note('killed-session', { outcomes, connectionsCreated: created.length });
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
    for (const outcome of outcomes) expect(outcome.ms, `round ${outcome.round}`).toBeLessThan(RECOVERY_BOUND_MS);
    // Each round ran on a new connection: the killed ones were not reused.
    expect(created.length).toBeGreaterThanOrEqual(ROUNDS + 1);
  });
});
