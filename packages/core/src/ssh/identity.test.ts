import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeSshIdentity } from './identity.js';
import { normalizeSshOptions } from './options/normalize-ssh-options.js';
import type { SshOptions } from './options/ssh-options.js';
import { generateKey } from '../../test/support/generate-key.js';
import { tempDir } from '../../test/support/temp-dir.js';

const home = tempDir();
const keyA = generateKey(home, 'a');
const keyB = generateKey(home, 'b');
const resolve = (options: SshOptions) =>
  normalizeSshOptions({ host: 'web1', username: 'deploy', ...options }, {}, { HOME: home }, { sshConfigPath: join(home, 'none') });

describe('computeSshIdentity', () => {
  it('is user@host:port plus a fingerprint, stable for the same credentials', () => {
    const one = computeSshIdentity(resolve({ privateKey: keyA.path }));
    const two = computeSshIdentity(resolve({ privateKey: keyA.text }));
    expect(one.target).toBe('deploy@web1:22');
    expect(one.key).toBe(`deploy@web1:22#${one.fingerprint}`);
    expect(one.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(two.key).toBe(one.key); // the same key by path or by text is the same credential
  });

  it('differs whenever a credential or the host-key policy differs', () => {
    const variants: SshOptions[] = [
      { privateKey: keyA.path },
      { privateKey: keyB.path },
      { privateKey: keyA.path, password: 'x' },
      { password: 'x' },
      { password: 'y' },
      { password: '' },
      { agent: '/tmp/agent-1' },
      { agent: '/tmp/agent-2' },
      { password: 'x', hostKeyCheck: 'off' },
      { password: 'x', knownHosts: '/tmp/kh' },
      // length-prefixing: moving bytes between fields must not collide
      { password: 'ab', agent: '/c' },
      { password: 'a', agent: 'b/c' },
    ];
    const keys = variants.map((options) => computeSshIdentity(resolve(options)).key);
    expect(new Set(keys).size).toBe(variants.length);
    expect(computeSshIdentity(resolve({ password: 'x', port: 2222 })).target).toBe('deploy@web1:2222');
  });

  it('reveals no secret, and cannot be recomputed without the process salt', () => {
    const password = 'hunter2-hunter2';
    const resolved = resolve({ password, privateKey: keyA.path });
    const identity = computeSshIdentity(resolved);
    expect(JSON.stringify(identity)).not.toContain(password);
    expect(JSON.stringify(identity)).not.toContain(keyA.text.split('\n')[1]);
    expect(computeSshIdentity(resolved, randomBytes(32)).fingerprint).not.toBe(identity.fingerprint);
  });
});
