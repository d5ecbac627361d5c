/**
 * Faults that heal fast: a server that accepts TCP and never says a byte (`startSilentServer()`: no SSH
 * banner, so the handshake never starts). The command fails within its pool's `acquire` bound, and its error
 * says why: the handshake timeout (readyTimeout), as its message or the message of its `cause`.
 *
 * `readyTimeout: 300` (default 5000) and `pool: { acquire: 2000 }` (default 10000) keep the test short;
 * retries (3, from 1 s) and the breaker are default.
 */
import { startSilentServer, testHost } from '@rexec/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { $, AcquireTimeoutError, ConnectionError } from '../../src/index.js';
import { targetOf } from '../ssh-pool/support.js';
import { messagesOf, note, outcomeOf } from './support.js';

const ACQUIRE = 2000;

describe('a server that never speaks', () => {
  it('the command fails by its acquire bound, with a cause, naming the handshake timeout', async () => {
    const silent = await startSilentServer();
    onTestFinished(() => silent.close());
    const remote = $.ssh(targetOf(testHost(), { host: silent.host, port: silent.port, readyTimeout: 300 }), { pool: { acquire: ACQUIRE } });
    onTestFinished(() => remote.closePool());
    const target = `${testHost().username}@127.0.0.1:${silent.port}`;

    const { ok, error, ms } = await outcomeOf(remote`true`);
    note('silent-server', { ms: Math.round(ms), error: error instanceof Error ? `${error.name}: ${messagesOf(error)}` : String(error), accepted: silent.accepted });
    expect(ok).toBe(false);
    expect([AcquireTimeoutError, ConnectionError].some((kind) => error instanceof kind)).toBe(true);
    const failure = error as AcquireTimeoutError | ConnectionError;
    expect(failure.target).toBe(target);
    expect(failure.cause).toBeDefined();
    // The reason is in the error's own message (AcquireTimeoutError ends with the last connect error).
    expect(failure.message).toContain(`${target}: no SSH handshake within 300 ms (readyTimeout)`);
    // At most the acquire bound, plus a margin for a loaded machine; at least one handshake timeout.
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(ACQUIRE + 1000);
    expect(silent.accepted).toBeGreaterThanOrEqual(1);
  });
});
