import { describe, expect, it } from 'vitest';
import { KillRequest, requestedKillSignal } from './kill-request.js';

describe('requestedKillSignal', () => {
  it('a timeout asks for spec.timeoutSignal', () => {
    expect(requestedKillSignal({ timeoutSignal: 'SIGKILL' }, 'timeout')).toBe('SIGKILL');
    expect(requestedKillSignal({}, 'timeout')).toBeUndefined();
  });

  it('an abort asks for the signal of its KillRequest reason, and for nothing otherwise', () => {
    const killed = new AbortController();
    killed.abort(new KillRequest('SIGINT'));
    expect(requestedKillSignal({ signal: killed.signal, timeoutSignal: 'SIGKILL' }, 'abort')).toBe('SIGINT');
    expect(requestedKillSignal({ signal: AbortSignal.abort() }, 'abort')).toBeUndefined();
    expect(requestedKillSignal({ signal: AbortSignal.abort({ signal: 'SIGKILL' }) }, 'abort')).toBeUndefined();
  });

  it('other reasons (maxBuffer, dispose, a throwing callback) use the adapter default', () => {
    const killed = new AbortController();
    killed.abort(new KillRequest('SIGINT'));
    for (const reason of ['maxBuffer', 'dispose', 'callback'] as const) {
      expect(requestedKillSignal({ signal: killed.signal, timeoutSignal: 'SIGKILL' }, reason)).toBeUndefined();
    }
  });

  it('recognises a KillRequest from another copy of the package by its brand', () => {
    const foreign = { [Symbol.for('rexec.KillRequest')]: true, signal: 'SIGHUP' };
    expect(KillRequest.is(foreign)).toBe(true);
    expect(KillRequest.is({ signal: 'SIGHUP' })).toBe(false);
  });
});
