import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, HostKeyError, type HostKeyCheck } from '@rexec/adapters';
import { normalizeSshOptions } from '../options/normalize-ssh-options.js';
import { generateKey } from '../../../test/support/generate-key.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { sha256Fingerprint } from './fingerprint.js';
import { createHostKeyVerifier, nodeKnownHostsFiles } from './host-key-verifier.js';

const home = tempDir();
const hostKey = generateKey(home, 'host_key');
const newKey = generateKey(home, 'new_host_key');
const blob = (publicKey: string): Buffer => Buffer.from(publicKey.split(' ')[1]!, 'base64');
const keyPart = (publicKey: string): string => publicKey.split(' ').slice(0, 2).join(' ');

function resolvedFor(knownHosts: string, hostKeyCheck: HostKeyCheck, port = 2222) {
  return normalizeSshOptions({ host: '127.0.0.1', port, username: 'me', knownHosts, hostKeyCheck, password: 'x' }, {}, { HOME: home }, {
    sshConfigPath: join(home, 'none'),
  });
}

async function verify(knownHosts: string, check: HostKeyCheck, key: Buffer, port = 2222) {
  const verifier = await createHostKeyVerifier(resolvedFor(knownHosts, check, port));
  const accepted = await new Promise<boolean>((resolve) => verifier.verify(key, resolve));
  return { accepted, failure: verifier.failure(), verifier };
}

describe('createHostKeyVerifier', () => {
  it('accepts the recorded key under every policy', async () => {
    const file = join(home, 'kh-known');
    writeFileSync(file, `[127.0.0.1]:2222 ${keyPart(hostKey.publicKey)}\n`);
    for (const check of ['strict', 'accept-new', 'off'] as const) {
      expect((await verify(file, check, blob(hostKey.publicKey))).accepted).toBe(true);
    }
  });

  it('strict: refuses an unknown host with a HostKeyError that says how to trust it', async () => {
    const file = join(home, 'kh-missing');
    const { accepted, failure } = await verify(file, 'strict', blob(hostKey.publicKey));
    expect(accepted).toBe(false);
    expect(failure).toBeInstanceOf(HostKeyError);
    const error = failure as HostKeyError;
    expect(error.problem).toBe('unknown');
    expect(error.fingerprint).toBe(sha256Fingerprint(blob(hostKey.publicKey)));
    expect(error.message).toContain(`ssh-keyscan -p 2222 127.0.0.1 >> ${file}`);
    expect(error.message).toContain(error.fingerprint);
    expect(error.message).toContain("hostKeyCheck: 'accept-new'");
  });

  it('leaves out -p for port 22 in the ssh-keyscan line', async () => {
    const { failure } = await verify(join(home, 'kh-none-22'), 'strict', blob(hostKey.publicKey), 22);
    expect(failure?.message).toContain(`ssh-keyscan 127.0.0.1 >> `);
  });

  it('accept-new: records an unknown key (creating the file) and then trusts it', async () => {
    const file = join(home, 'sub', 'kh-new');
    expect((await verify(file, 'accept-new', blob(hostKey.publicKey))).accepted).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.1]:2222 ${keyPart(hostKey.publicKey)}\n`);
    expect((await verify(file, 'strict', blob(hostKey.publicKey))).accepted).toBe(true);
  });

  it('accept-new: appends on a new line when the file does not end with one', async () => {
    const file = join(home, 'kh-no-newline');
    writeFileSync(file, `otherhost ${keyPart(newKey.publicKey)}`);
    await verify(file, 'accept-new', blob(hostKey.publicKey));
    expect(readFileSync(file, 'utf8').split('\n')).toEqual([`otherhost ${keyPart(newKey.publicKey)}`, `[127.0.0.1]:2222 ${keyPart(hostKey.publicKey)}`, '']);
  });

  it('off: accepts an unknown host without recording it', async () => {
    const file = join(home, 'kh-off');
    expect((await verify(file, 'off', blob(hostKey.publicKey))).accepted).toBe(true);
    expect(() => readFileSync(file)).toThrow();
  });

  it('ALWAYS refuses a changed key, naming both fingerprints, even under accept-new and off', async () => {
    const file = join(home, 'kh-changed');
    writeFileSync(file, `[127.0.0.1]:2222 ${keyPart(hostKey.publicKey)}\n`);
    for (const check of ['strict', 'accept-new', 'off'] as const) {
      const { accepted, failure } = await verify(file, check, blob(newKey.publicKey));
      expect(accepted).toBe(false);
      const error = failure as HostKeyError;
      expect(error.problem).toBe('changed');
      expect(error.message).toContain(sha256Fingerprint(blob(newKey.publicKey)));
      expect(error.message).toContain(sha256Fingerprint(blob(hostKey.publicKey)));
      expect(error.expectedFingerprints).toEqual([sha256Fingerprint(blob(hostKey.publicKey))]);
      expect(error.message).toContain(`ssh-ed25519 ${sha256Fingerprint(blob(hostKey.publicKey))}`);
    }
    expect(readFileSync(file, 'utf8').split('\n').length).toBe(2);
  });

  it('reports a known_hosts file it cannot read, or cannot append to, as a ConfigError', async () => {
    const unreadable = join(home, 'kh-dir');
    await expect(
      createHostKeyVerifier(resolvedFor(unreadable, 'strict'), { ...nodeKnownHostsFiles, read: () => Promise.reject(Object.assign(new Error('no'), { code: 'EACCES' })) }),
    ).rejects.toThrowError(/EACCES/);
    const readOnly = join(home, 'kh-readonly');
    writeFileSync(readOnly, '');
    chmodSync(readOnly, 0o444);
    const verifier = await createHostKeyVerifier(resolvedFor(readOnly, 'accept-new'), {
      ...nodeKnownHostsFiles,
      append: () => Promise.reject(Object.assign(new Error('no'), { code: 'EROFS' })),
    });
    expect(await new Promise((resolve) => verifier.verify(blob(hostKey.publicKey), resolve))).toBe(false);
    expect(verifier.failure()).toBeInstanceOf(ConfigError);
    expect(verifier.failure()?.message).toContain('EROFS');
  });
});
