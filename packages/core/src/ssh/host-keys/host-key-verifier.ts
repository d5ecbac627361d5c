import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError, HostKeyError } from '@rexec/adapters';
import {
  hostKeyChangedMessage,
  hostKeyUnknownMessage,
  unreadableKnownHostsMessage,
  unwritableKnownHostsMessage,
} from '../messages.js';
import type { ResolvedSshOptions } from '../options/ssh-options.js';
import { createFileCache, type FileCacheStats } from '../config/file-cache.js';
import { checkHostKey, preferredHostKeyAlgorithms } from './check-host-key.js';
import { keyTypeOf, sha256Fingerprint } from './fingerprint.js';
import { knownHostsIndexOf, lookupKnownHost } from './known-hosts-index.js';
import { formatKnownHostsLine, type KnownHostEntry } from './parse-known-hosts.js';

/** File access of the verifier; injectable for tests. */
export interface KnownHostsFiles {
  /** The file's text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /** Appends a line, creating the file (0600) and its directory (0700) when missing. */
  append(path: string, text: string): Promise<void>;
}

/** The host-key check of one connection attempt, wired into ssh2's `hostVerifier` (callback form). */
export interface HostKeyVerifier {
  /** Host key algorithms to prefer (those recorded for this host), for ssh2's `algorithms.serverHostKey`. */
  readonly preferredAlgorithms: readonly string[];
  /** ssh2 calls this during key exchange, before any authentication request is sent. */
  readonly verify: (key: Buffer, done: (accepted: boolean) => void) => void;
  /** Why the key was refused (`HostKeyError`, or `ConfigError` when accept-new could not record it). */
  readonly failure: () => Error | undefined;
}

/** known_hosts texts by path, read once per file (and again when it changed): one read for a whole fleet. */
const knownHostsTexts = createFileCache((bytes) => bytes.toString('utf8'));

/** How often each known_hosts path was read from disk (never the contents), for tests. */
export const knownHostsReadStats = (): FileCacheStats => knownHostsTexts.stats();

export const nodeKnownHostsFiles: KnownHostsFiles = Object.freeze({
  read: (path: string): Promise<string | undefined> => knownHostsTexts.get(path),
  async append(path: string, text: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await appendFile(path, text, { mode: 0o600 });
  },
});

/**
 * Reads `knownHosts` (from the per-process cache, see config/file-cache.ts) and returns the verifier for one connection attempt.
 * Policy: a recorded key is accepted; a changed or `@revoked` key is ALWAYS refused; an unknown host is
 * refused under `'strict'`, recorded under `'accept-new'`, accepted under `'off'` (insecure).
 */
export async function createHostKeyVerifier(
  resolved: ResolvedSshOptions,
  files: KnownHostsFiles = nodeKnownHostsFiles,
): Promise<HostKeyVerifier> {
  const { knownHosts, host, port, target } = resolved;
  let text: string | undefined;
  try {
    text = await files.read(knownHosts);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new ConfigError(unreadableKnownHostsMessage(knownHosts, reason), 'knownHosts', { cause: error });
  }
  const hostEntries: KnownHostEntry[] = lookupKnownHost(knownHostsIndexOf(text ?? ''), host, port);
  let failure: Error | undefined;

  const verify = (key: Buffer, done: (accepted: boolean) => void): void => {
    const verdict = checkHostKey(hostEntries, key);
    const keyType = keyTypeOf(key);
    const fingerprint = sha256Fingerprint(key);
    if (verdict.kind === 'trusted') return done(true);
    if (verdict.kind === 'changed' || verdict.kind === 'revoked') {
      const recorded = verdict.kind === 'changed' ? verdict.expected : [];
      const expected = recorded.map((key) => `${key.keyType} ${key.fingerprint}`);
      const message = hostKeyChangedMessage({ target, keyType, fingerprint, expected, knownHosts, revoked: verdict.kind === 'revoked' });
      const expectedFingerprints = recorded.map((key) => key.fingerprint);
      failure = new HostKeyError(message, { target, problem: 'changed', fingerprint, expectedFingerprints });
      return done(false);
    }
    if (resolved.hostKeyCheck === 'off') return done(true);
    if (resolved.hostKeyCheck === 'strict') {
      const message = hostKeyUnknownMessage({ target, host, port, keyType, fingerprint, knownHosts });
      failure = new HostKeyError(message, { target, problem: 'unknown', fingerprint });
      return done(false);
    }
    const separator = text === undefined || text === '' || text.endsWith('\n') ? '' : '\n';
    files.append(knownHosts, separator + formatKnownHostsLine(host, port, keyType, key)).then(
      () => done(true),
      (error: unknown) => {
        const reason = (error as NodeJS.ErrnoException).code ?? String(error);
        failure = new ConfigError(unwritableKnownHostsMessage(knownHosts, reason), 'knownHosts', { cause: error });
        done(false);
      },
    );
  };

  return Object.freeze({ preferredAlgorithms: preferredHostKeyAlgorithms(hostEntries), verify, failure: () => failure });
}
