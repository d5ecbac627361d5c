import { randomBytes } from 'node:crypto';
import { connect as connectTcp } from 'node:net';
import type { ConnectConfig, ParsedKey, ServerHostKeyAlgorithm } from 'ssh2';
import { ConfigError, type RexecError } from '@rexec/adapters';
import { badPassphraseMessage } from '../messages.js';
import { createHostKeyVerifier, type KnownHostsFiles } from '../host-keys/host-key-verifier.js';
import type { ResolvedSshOptions } from '../options/ssh-options.js';
import { createAuthPlan } from './auth-plan.js';
import { isNonFatalConnectError, toConnectError } from './connect-errors.js';
import { createSshConnection } from './create-ssh-connection.js';
import { loadSsh2, type Ssh2Module } from './load-ssh2.js';
import type { SshConnection } from './ssh-connection.js';

/** Test seams and tuning of `connectSsh`; every field is optional. */
export interface ConnectSshDeps {
  /** Default: `import('ssh2')`. */
  readonly loadSsh2?: () => Promise<Ssh2Module>;
  readonly knownHostsFiles?: KnownHostsFiles;
  readonly now?: () => number;
  /** The connection id; default `user@host:port#<random hex>`. The pool may pass a sequential one. */
  readonly id?: string;
  /** Unanswered keepalives before the peer is declared dead. Default 3. */
  readonly keepaliveCountMax?: number;
  /** Milliseconds from TERM to KILL of a timed-out remote command (and KILL to closing its channel). Default 2000. */
  readonly forceKillAfterDelay?: number;
  /** Bytes of stdout/stderr kept when a spec sets no `maxBuffer`. Default 100 MiB (as LocalAdapter). */
  readonly maxBuffer?: number;
  /** ssh2's debug lines (they carry no credentials); for diagnosing tests. */
  readonly debug?: (line: string) => void;
}

export const CONNECT_DEFAULTS = Object.freeze({
  keepaliveCountMax: 3,
  forceKillAfterDelay: 2000,
  maxBuffer: 100 * 1024 * 1024,
});

/**
 * Opens one SSH connection: TCP (no Nagle), host-key verification against known_hosts (completed during
 * key exchange, before any credential is sent), then authentication (key, agent, password).
 * Rejects with `ConnectionError` (refused, DNS, handshake timeout, reset), `AuthenticationError`,
 * `HostKeyError`, or `ConfigError` (unreadable known_hosts, undecryptable key).
 */
export async function connectSsh(resolved: ResolvedSshOptions, deps: ConnectSshDeps = {}): Promise<SshConnection> {
  const ssh2 = await (deps.loadSsh2 ?? loadSsh2)();
  const verifier = await createHostKeyVerifier(resolved, deps.knownHostsFiles);
  const auth = createAuthPlan(resolved, parsePrivateKey(ssh2, resolved));
  const now = deps.now ?? Date.now;
  const client = new ssh2.Client();
  const socket = connectTcp({ host: resolved.host, port: resolved.port });
  socket.setNoDelay(true);

  // the verifier only lists algorithms ssh2 supports (ssh-ed25519, ecdsa-sha2-*, rsa-sha2-*, ssh-rsa)
  const preferred = verifier.preferredAlgorithms as readonly ServerHostKeyAlgorithm[];
  const config: ConnectConfig = {
    sock: socket,
    username: resolved.username,
    readyTimeout: resolved.readyTimeout,
    keepaliveInterval: 0, // ssh2's keepalive timer is ref'd; the connection runs its own, unref'd
    hostVerifier: verifier.verify,
    authHandler: auth.handler,
    ...(preferred.length > 0 ? { algorithms: { serverHostKey: { remove: [...preferred], prepend: [...preferred], append: [] } } } : {}),
    ...(deps.debug === undefined ? {} : { debug: deps.debug }),
  };

  const createConnection = (): SshConnection =>
    createSshConnection({
      id: deps.id ?? `${resolved.target}#${randomBytes(3).toString('hex')}`,
      target: resolved.target,
      client,
      socket,
      createdAt: now(),
      now,
      keepaliveInterval: resolved.keepaliveInterval,
      keepaliveCountMax: deps.keepaliveCountMax ?? CONNECT_DEFAULTS.keepaliveCountMax,
      forceKillAfterDelay: deps.forceKillAfterDelay ?? CONNECT_DEFAULTS.forceKillAfterDelay,
      maxBuffer: deps.maxBuffer ?? CONNECT_DEFAULTS.maxBuffer,
    });

  return new Promise<SshConnection>((resolve, reject) => {
    let settled = false;
    const fail = (error: RexecError | Error): void => {
      if (settled) return;
      settled = true;
      client.destroy();
      socket.destroy();
      reject(error);
    };
    // Permanent: ssh2 emits errors synchronously while parsing, and a dying client may emit late ones.
    client.on('error', (error: unknown) => {
      if (settled || isNonFatalConnectError(error)) return;
      fail(verifier.failure() ?? toConnectError(error, resolved, auth));
    });
    client.once('close', () => fail(verifier.failure() ?? toConnectError(new Error('the server closed the connection during the handshake'), resolved, auth)));
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      // Built in this same tick, so the connection's own listeners miss no event that follows 'ready'.
      resolve(createConnection());
    });
    try {
      client.connect(config);
    } catch (error) {
      fail(toConnectError(error, resolved, auth));
    }
  });
}

/**
 * Unencrypted keys parsed once per key text: hosts that share a key file share its bytes (the file cache), so a
 * fleet parses the key once instead of at every connect. Weak: an entry lives as long as the key text does.
 */
const parsedKeys = new WeakMap<Ssh2Module, WeakMap<Buffer, ParsedKey>>();

/** Decrypts/parses the key now, so a wrong passphrase is a ConfigError (ssh2 would silently skip the key). */
function parsePrivateKey(ssh2: Ssh2Module, resolved: ResolvedSshOptions): ParsedKey | undefined {
  if (resolved.privateKey === undefined) return undefined;
  const text = resolved.privateKey.reveal();
  if (!Buffer.isBuffer(text) || resolved.passphrase !== undefined) return parseNow(ssh2, resolved, text);
  let byText = parsedKeys.get(ssh2);
  if (byText === undefined) parsedKeys.set(ssh2, (byText = new WeakMap()));
  let key = byText.get(text);
  if (key === undefined) byText.set(text, (key = parseNow(ssh2, resolved, text)));
  return key;
}

function parseNow(ssh2: Ssh2Module, resolved: ResolvedSshOptions, text: string | Buffer): ParsedKey {
  // ssh2 returns an array for some OpenSSH key files (its typings say a single key)
  const parsed: ParsedKey | Error | ParsedKey[] = ssh2.utils.parseKey(text, resolved.passphrase?.reveal());
  const key: ParsedKey | Error | undefined = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  const source = resolved.privateKeySource ?? 'given';
  if (key === undefined || key instanceof Error || !key.isPrivateKey()) {
    const reason = key instanceof Error ? key.message : 'no private key found';
    throw new ConfigError(badPassphraseMessage(source, reason), resolved.privateKeyEncrypted ? 'passphrase' : 'privateKey');
  }
  return key;
}
