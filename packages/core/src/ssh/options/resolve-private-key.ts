import { ConfigError } from '@rexec/adapters';
import { expandHome } from '../config/expand-tokens.js';
import { encryptedKeyMessage, unreadableKeyMessage } from '../messages.js';
import { checkKey, inspectKey, isKeyText, readKeyFile, type LoadedKey } from './private-key.js';

export interface PrivateKeyInput {
  /** `options.privateKey`: a path or key text. Strict: unreadable, not a key, or encrypted without passphrase → ConfigError. */
  readonly explicit: string | Buffer | undefined;
  /** IdentityFile paths from `~/.ssh/config`, already expanded. */
  readonly configured: readonly string[];
  /** The default identities (`~/.ssh/id_ed25519`, ...), already expanded; used when nothing else names a key. */
  readonly defaults: readonly string[];
  readonly home: string;
  readonly hasPassphrase: boolean;
  /** An agent or password is available, so an encrypted key without passphrase can be skipped instead of failing. */
  readonly hasOtherMethod: boolean;
}

export const TEXT_SOURCE = '(given as text)';

/**
 * Picks the private key to offer: the explicit `privateKey`, else the first usable IdentityFile from
 * `~/.ssh/config`, else the first usable default identity, as OpenSSH does. Files that do not exist are skipped.
 * Key files come from a per-process cache (one read per file, again when it changed: config/file-cache.ts).
 */
export function resolvePrivateKey(input: PrivateKeyInput): LoadedKey | undefined {
  const { explicit } = input;
  if (Buffer.isBuffer(explicit)) return inspectKey(explicit, TEXT_SOURCE, input.hasPassphrase);
  if (typeof explicit === 'string') {
    if (isKeyText(explicit)) return inspectKey(Buffer.from(explicit, 'utf8'), TEXT_SOURCE, input.hasPassphrase);
    const path = expandHome(explicit, input.home);
    const file = readKeyFile(path);
    if (file === undefined) throw new ConfigError(unreadableKeyMessage(path, 'ENOENT'), 'privateKey');
    return checkKey(file.text, file.encrypted, `"${path}"`, input.hasPassphrase);
  }
  const candidates = input.configured.length > 0 ? input.configured : input.defaults;
  for (const path of candidates) {
    const file = readKeyFile(path);
    if (file === undefined) continue;
    const { text, encrypted } = file;
    if (encrypted === undefined) continue;
    if (encrypted && !input.hasPassphrase) {
      if (input.hasOtherMethod) continue;
      throw new ConfigError(encryptedKeyMessage(`"${path}"`), 'passphrase');
    }
    return Object.freeze({ text, source: `"${path}"`, encrypted });
  }
  return undefined;
}
