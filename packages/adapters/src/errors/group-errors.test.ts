import { describe, expect, it } from 'vitest';
import { HostNotRunError, isHostNotRunError, isNoHealthyHostError, NoHealthyHostError } from './group-errors.js';
import { ConnectionError } from './connection-errors.js';
import { isRexecError } from './rexec-error.js';

describe('NoHealthyHostError', () => {
  it('lists every host with its last failure, first line only', () => {
    const error = new NoHealthyHostError('group of 2 hosts (a@h1:22, a@h2:22)', [
      { target: 'a@h1:22', error: new ConnectionError('connect ECONNREFUSED 127.0.0.1:22\nmore', 'a@h1:22') },
      { target: 'a@h2:22', error: undefined },
    ]);
    expect(error).toMatchObject({ code: 'ERR_NO_HEALTHY_HOST', retryable: true, name: 'NoHealthyHostError' });
    expect(error.message).toContain('No healthy host in group of 2 hosts');
    expect(error.message).toContain('  a@h1:22: connect ECONNREFUSED 127.0.0.1:22\n');
    expect(error.message).not.toContain('more');
    expect(error.message).toContain('  a@h2:22: skipped (no failure recorded)');
    expect(error.failures).toHaveLength(2);
    expect(isNoHealthyHostError(error) && isRexecError(error)).toBe(true);
    expect(isNoHealthyHostError(new Error('x'))).toBe(false);
  });
});

describe('HostNotRunError', () => {
  it('says why the host was left out', () => {
    const error = new HostNotRunError('a@h3:22', 'maxFailures', 2, 1);
    expect(error).toMatchObject({ code: 'ERR_HOST_NOT_RUN', target: 'a@h3:22', reason: 'maxFailures', failed: 2 });
    expect(error.message).toBe('Not run on a@h3:22: the run stopped starting hosts after 2 hosts failed, more than maxFailures (1)');
    expect(new HostNotRunError('x', 'failFast', 1).message).toMatch(/failFast/);
    expect(isHostNotRunError(error)).toBe(true);
  });
});
