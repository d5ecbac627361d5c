import { describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectionError, HostKeyError } from '../errors/index.js';
import { sshFailure } from './ssh-failure.js';

const TARGET = 'deploy@db:22';

describe('sshFailure', () => {
  it('turns "Permission denied (...)" into an AuthenticationError listing the methods', () => {
    const error = sshFailure('deploy@db: Permission denied (publickey,password).\n', TARGET, 'Starting');
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).methodsTried).toEqual(['publickey', 'password']);
    expect(error.message).toContain('Permission denied (publickey,password).');
  });

  it('turns an unknown host key into HostKeyError "unknown"', () => {
    const stderr = 'No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.\n';
    const error = sshFailure(stderr, TARGET, 'Starting');
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as HostKeyError).problem).toBe('unknown');
  });

  it('turns a changed host key into HostKeyError "changed" with the fingerprint, without the @@@ banner', () => {
    const stderr = '@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@\nThe fingerprint for the ED25519 key sent by the remote host is\nSHA256:Zly7Er4I1z+ddRIZsQZqGXaTeK/n1+vYL7qEUY3TqnA.\nHost key verification failed.\n';
    const error = sshFailure(stderr, TARGET, 'Starting') as HostKeyError;
    expect(error).toBeInstanceOf(HostKeyError);
    expect(error.problem).toBe('changed');
    expect(error.fingerprint).toBe('SHA256:Zly7Er4I1z+ddRIZsQZqGXaTeK/n1+vYL7qEUY3TqnA');
    expect(error.message).not.toContain('@@@');
  });

  it('keeps anything else as a ConnectionError with OpenSSH\'s words', () => {
    const error = sshFailure('ssh: connect to host db port 22: Connection refused\n', TARGET, 'Starting');
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain('Connection refused');
    expect((error as ConnectionError).target).toBe(TARGET);
  });
});
