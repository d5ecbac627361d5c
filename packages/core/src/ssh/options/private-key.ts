import { ConfigError } from '@rexec/adapters';
import { createFileCache, type FileCacheStats } from '../config/file-cache.js';
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

/** A key file as read: its bytes and whether they are an encrypted key (undefined: no private key). */
export interface KeyFile {
  readonly text: Buffer;
  readonly encrypted: boolean | undefined;
}

/** Key files by path, read once per file (and again when it changed): a fleet sharing one key reads it once. */
const keyFiles = createFileCache((text): KeyFile => ({ text, encrypted: isEncryptedPrivateKey(text) }));

/** How often each key path was read from disk (never the contents), for tests. */
export const keyFileReadStats = (): FileCacheStats => keyFiles.stats();

/** The key file at `path` (cached), undefined when it does not exist; unreadable is a `ConfigError` naming the path and the reason. */
export function readKeyFile(path: string): KeyFile | undefined {
  try {
    return keyFiles.getSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(unreadableKeyMessage(path, code), 'privateKey', { cause: error });
  }
}

/** Checks key text: a recognised private key, and a passphrase present when it is encrypted. */
export function inspectKey(text: Buffer, source: string, hasPassphrase: boolean): LoadedKey {
  return checkKey(text, isEncryptedPrivateKey(text), source, hasPassphrase);
}

/** `inspectKey` with the text's `isEncryptedPrivateKey` already known (a cached key file). */
export function checkKey(text: Buffer, encrypted: boolean | undefined, source: string, hasPassphrase: boolean): LoadedKey {
  if (encrypted === undefined) throw new ConfigError(notAPrivateKeyMessage(source), 'privateKey');
  if (encrypted && !hasPassphrase) throw new ConfigError(encryptedKeyMessage(source), 'passphrase');
  return Object.freeze({ text, source, encrypted });
}
