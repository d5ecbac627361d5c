import { readFileSync } from 'node:fs';
import { ConfigError } from '@rexec/adapters';
import { encryptedKeyMessage, notAPrivateKeyMessage, unreadableKeyMessage } from '../messages.js';

/** A private key's text and where it came from (a path, or `(given as text)`); never printed. */
export interface LoadedKey {
  readonly text: Buffer;
  readonly source: string;
  readonly encrypted: boolean;
}

const OPENSSH_BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const OPENSSH_END = '-----END OPENSSH PRIVATE KEY-----';
const OPENSSH_MAGIC = 'openssh-key-v1\0';
const PEM_LEGACY = /-----BEGIN (?:RSA|DSA|EC) PRIVATE KEY-----/;

/** True when a string holds key text rather than a path. */
export function isKeyText(value: string): boolean {
  return value.includes('-----BEGIN ') || value.startsWith('PuTTY-User-Key-File-');
}

/**
 * Whether key text is encrypted: `true`/`false` for a recognised private key
 * (OpenSSH, PEM PKCS#1/SEC1, PKCS#8, PuTTY), `undefined` when the text is no private key at all.
 */
export function isEncryptedPrivateKey(text: Buffer): boolean | undefined {
  const str = text.toString('utf8');
  if (str.includes(OPENSSH_BEGIN)) {
    // A cut-short or damaged OpenSSH key has no readable cipher: it is no key, not an encrypted one.
    const cipher = opensshCipher(str);
    return cipher === undefined ? undefined : cipher !== 'none';
  }
  if (str.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) return true;
  if (PEM_LEGACY.test(str)) return /Proc-Type:\s*4,ENCRYPTED/.test(str);
  if (str.includes('-----BEGIN PRIVATE KEY-----')) return false;
  if (str.startsWith('PuTTY-User-Key-File-')) {
    const match = /^Encryption:\s*(\S+)/m.exec(str);
    return match === null ? undefined : match[1] !== 'none';
  }
  return undefined;
}

function opensshCipher(str: string): string | undefined {
  const start = str.indexOf(OPENSSH_BEGIN) + OPENSSH_BEGIN.length;
  const end = str.indexOf(OPENSSH_END, start);
  if (end === -1) return undefined;
  const blob = Buffer.from(str.slice(start, end).replace(/\s+/g, ''), 'base64');
  if (blob.subarray(0, OPENSSH_MAGIC.length).toString('latin1') !== OPENSSH_MAGIC) return undefined;
  const offset = OPENSSH_MAGIC.length;
  if (blob.length < offset + 4) return undefined;
  const length = blob.readUInt32BE(offset);
  return blob.subarray(offset + 4, offset + 4 + length).toString('latin1');
}

/** Reads the key file at `path`; an unreadable file is a `ConfigError` naming the path and the reason. */
export function readKeyFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(unreadableKeyMessage(path, code), 'privateKey', { cause: error });
  }
}

/** Checks key text: a recognised private key, and a passphrase present when it is encrypted. */
export function inspectKey(text: Buffer, source: string, hasPassphrase: boolean): LoadedKey {
  const encrypted = isEncryptedPrivateKey(text);
  if (encrypted === undefined) throw new ConfigError(notAPrivateKeyMessage(source), 'privateKey');
  if (encrypted && !hasPassphrase) throw new ConfigError(encryptedKeyMessage(source), 'passphrase');
  return Object.freeze({ text, source, encrypted });
}
