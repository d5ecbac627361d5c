import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@rexec/adapters';
import { generateKey, type GeneratedKey } from '../../../test/support/generate-key.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { isEncryptedPrivateKey, isKeyText } from './private-key.js';
import { resolvePrivateKey } from './resolve-private-key.js';

const dir = tempDir();
const keys: Record<string, GeneratedKey> = {};

beforeAll(() => {
  keys['plain'] = generateKey(dir, 'plain');
  keys['encrypted'] = generateKey(dir, 'encrypted', { passphrase: 'correct horse' });
  keys['pemPlain'] = generateKey(dir, 'pem-plain', { type: 'rsa', format: 'PEM' });
  keys['pemEncrypted'] = generateKey(dir, 'pem-encrypted', { type: 'rsa', format: 'PEM', passphrase: 'secret-pw' });
  keys['pkcs8Plain'] = generateKey(dir, 'pkcs8-plain', { type: 'ecdsa', format: 'PKCS8' });
  keys['pkcs8Encrypted'] = generateKey(dir, 'pkcs8-encrypted', { type: 'ecdsa', format: 'PKCS8', passphrase: 'secret-pw' });
});

const base = { explicit: undefined, configured: [], defaults: [], home: dir, hasPassphrase: false, hasOtherMethod: false };

describe('isEncryptedPrivateKey', () => {
  it('recognises encrypted and plain keys made by ssh-keygen in every format', () => {
    expect(isEncryptedPrivateKey(Buffer.from(keys['plain']!.text))).toBe(false);
    expect(isEncryptedPrivateKey(Buffer.from(keys['encrypted']!.text))).toBe(true);
    expect(isEncryptedPrivateKey(Buffer.from(keys['pemPlain']!.text))).toBe(false);
    expect(isEncryptedPrivateKey(Buffer.from(keys['pemEncrypted']!.text))).toBe(true);
    expect(isEncryptedPrivateKey(Buffer.from(keys['pkcs8Plain']!.text))).toBe(false);
    expect(isEncryptedPrivateKey(Buffer.from(keys['pkcs8Encrypted']!.text))).toBe(true);
  });

  it('says undefined for a public key, random text, or an OpenSSH key cut short', () => {
    expect(isEncryptedPrivateKey(Buffer.from(keys['plain']!.publicKey))).toBeUndefined();
    expect(isEncryptedPrivateKey(Buffer.from('hello'))).toBeUndefined();
    // Not "encrypted": a truncated key must not send the user looking for a passphrase.
    const cutShort = keys['plain']!.text.split('\n').slice(0, 3).join('\n');
    expect(isEncryptedPrivateKey(Buffer.from(cutShort))).toBeUndefined();
    const badMagic = keys['plain']!.text.replace('b3BlbnNzaC1rZXktdjE', 'AAAAAAAAAAAAAAAAAAA');
    expect(badMagic).not.toBe(keys['plain']!.text);
    expect(isEncryptedPrivateKey(Buffer.from(badMagic))).toBeUndefined();
  });

  it('tells key text from a path', () => {
    expect(isKeyText(keys['plain']!.text)).toBe(true);
    expect(isKeyText('~/.ssh/id_ed25519')).toBe(false);
  });
});

describe('resolvePrivateKey', () => {
  it('reads an explicit path, expanding ~', () => {
    const key = resolvePrivateKey({ ...base, explicit: '~/plain', home: dir });
    expect(key?.text.toString()).toBe(keys['plain']!.text);
    expect(key?.source).toBe(`"${join(dir, 'plain')}"`);
  });

  it('takes key text (string or Buffer) and never uses it as the source name', () => {
    const fromString = resolvePrivateKey({ ...base, explicit: keys['plain']!.text });
    const fromBuffer = resolvePrivateKey({ ...base, explicit: Buffer.from(keys['plain']!.text) });
    expect(fromString?.source).toBe('(given as text)');
    expect(fromBuffer?.text.toString()).toBe(keys['plain']!.text);
  });

  it('rejects an unreadable path with a ConfigError naming it', () => {
    expect(() => resolvePrivateKey({ ...base, explicit: join(dir, 'missing') })).toThrowError(ConfigError);
    expect(() => resolvePrivateKey({ ...base, explicit: join(dir, 'missing') })).toThrowError(/missing.*ENOENT/);
  });

  it('rejects an encrypted key without passphrase, and a file that is no private key', () => {
    expect(() => resolvePrivateKey({ ...base, explicit: keys['encrypted']!.path })).toThrowError(/encrypted; pass its passphrase/);
    expect(() => resolvePrivateKey({ ...base, explicit: `${keys['plain']!.path}.pub` })).toThrowError(/not a private key/);
    expect(resolvePrivateKey({ ...base, explicit: keys['encrypted']!.path, hasPassphrase: true })?.encrypted).toBe(true);
  });

  it('uses the first existing IdentityFile, skipping missing ones', () => {
    const key = resolvePrivateKey({ ...base, configured: [join(dir, 'nope'), keys['pemPlain']!.path, keys['plain']!.path] });
    expect(key?.source).toBe(`"${keys['pemPlain']!.path}"`);
  });

  it('skips an encrypted IdentityFile when an agent or password can be used, and fails when nothing else can', () => {
    const input = { ...base, configured: [keys['encrypted']!.path, keys['plain']!.path] };
    expect(resolvePrivateKey({ ...input, hasOtherMethod: true })?.source).toBe(`"${keys['plain']!.path}"`);
    expect(() => resolvePrivateKey(input)).toThrowError(ConfigError);
  });

  it('falls back to the default identities only when no IdentityFile is configured', () => {
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'not a key');
    expect(resolvePrivateKey({ ...base, defaults: [junk, keys['plain']!.path] })?.source).toBe(`"${keys['plain']!.path}"`);
    expect(resolvePrivateKey({ ...base, configured: [join(dir, 'nope')], defaults: [keys['plain']!.path] })).toBeUndefined();
  });
});
