import { sha256Fingerprint } from './fingerprint.js';
import { matchesKnownHost } from './match-known-host.js';
import type { KnownHostEntry } from './parse-known-hosts.js';

/** What known_hosts says about a presented key. */
export type HostKeyVerdict =
  | { readonly kind: 'trusted' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'revoked' }
  /** The host is recorded with other key(s): `expected` holds their types and SHA256 fingerprints. */
  | { readonly kind: 'changed'; readonly expected: readonly RecordedKey[] };

export interface RecordedKey {
  readonly keyType: string;
  readonly fingerprint: string;
}

/** The entries (not `@cert-authority`) that name this host and port. */
export function entriesForHost(entries: readonly KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  return entries.filter((entry) => entry.marker !== 'cert-authority' && matchesKnownHost(entry.hosts, host, port));
}

/**
 * Pure verdict on a presented key blob. A host recorded with different keys, including only keys of other
 * types, is `changed`: an attacker could present a new key type, so rexec refuses it as OpenSSH's strict mode does.
 */
export function checkHostKey(hostEntries: readonly KnownHostEntry[], presented: Buffer): HostKeyVerdict {
  if (hostEntries.some((entry) => entry.marker === 'revoked' && entry.key.equals(presented))) return { kind: 'revoked' };
  const recorded = hostEntries.filter((entry) => entry.marker === undefined);
  if (recorded.some((entry) => entry.key.equals(presented))) return { kind: 'trusted' };
  if (recorded.length === 0) return { kind: 'unknown' };
  const unique = new Map(recorded.map((entry) => [sha256Fingerprint(entry.key), entry.keyType]));
  return { kind: 'changed', expected: [...unique].map(([fingerprint, keyType]) => ({ keyType, fingerprint })) };
}

const ALGORITHMS_BY_KEY_TYPE: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
});

/**
 * Host key algorithms to ask for first: those of the key types already recorded for this host,
 * so a server with several host keys presents the one we know (as OpenSSH does).
 */
export function preferredHostKeyAlgorithms(hostEntries: readonly KnownHostEntry[]): string[] {
  const algorithms = hostEntries
    .filter((entry) => entry.marker === undefined)
    .flatMap((entry) => ALGORITHMS_BY_KEY_TYPE[entry.keyType] ?? []);
  return [...new Set(algorithms)];
}
