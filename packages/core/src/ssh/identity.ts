import { createHmac, randomBytes } from 'node:crypto';
import type { ResolvedSshOptions } from './options/ssh-options.js';

/** Who a pool connects as: one pool per identity; different credentials never share a connection. */
export interface SshIdentity {
  /** `user@host:port#fingerprint`: the pool registry key. */
  readonly key: string;
  /** `user@host:port`. */
  readonly target: string;
  /** 32 hex characters; says nothing about the credentials it was computed from. */
  readonly fingerprint: string;
}

/**
 * A random key, made once when the module loads and never changed, so fingerprints are stable within a
 * process but cannot be compared across processes or brute-forced offline (a plain hash of a short password could).
 */
const PROCESS_SALT = randomBytes(32);
const FINGERPRINT_HEX_CHARS = 32;

/**
 * The pool identity of resolved options: the target plus an HMAC-SHA256 over everything that decides
 * who we are and whom we trust: key text, passphrase, password, agent socket, known_hosts file and the
 * host-key policy (a connection verified leniently must not serve a caller that asked for `'strict'`).
 * Each field is length-prefixed, so no two different sets of credentials encode alike.
 */
export function computeSshIdentity(resolved: ResolvedSshOptions, salt: Buffer = PROCESS_SALT): SshIdentity {
  const hmac = createHmac('sha256', salt);
  const fields: ReadonlyArray<readonly [string, string | Buffer | undefined]> = [
    ['privateKey', resolved.privateKey?.reveal()],
    ['passphrase', resolved.passphrase?.reveal()],
    ['password', resolved.password?.reveal()],
    ['agent', resolved.agent],
    ['knownHosts', resolved.knownHosts],
    ['hostKeyCheck', resolved.hostKeyCheck],
  ];
  for (const [name, value] of fields) {
    const bytes = value === undefined ? undefined : Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
    hmac.update(`${name}:${bytes === undefined ? '-' : bytes.length}:`);
    if (bytes !== undefined) hmac.update(bytes);
  }
  const fingerprint = hmac.digest('hex').slice(0, FINGERPRINT_HEX_CHARS);
  return Object.freeze({ key: `${resolved.target}#${fingerprint}`, target: resolved.target, fingerprint });
}
