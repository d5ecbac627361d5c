import { homedir, userInfo } from 'node:os';
import { ConfigError } from '@rexec/adapters';
import { expandHome, expandHostName, expandSshPath, type TokenContext } from '../config/expand-tokens.js';
import { resolveSshConfig, type ReadOptionalFile } from '../config/resolve-ssh-config.js';
import { badOptionMessage, badTargetMessage, conflictingTargetMessage, missingHostMessage } from '../messages.js';
import { Secret } from '../secret.js';
import { parseSshTarget, type ParsedTarget } from '../target/parse-target.js';
import { validateHost, validatePort, validateUsername } from '../target/validate-target-parts.js';
import { formatTarget } from '../target/format-target.js';
import { resolvePrivateKey } from './resolve-private-key.js';
import type { ResolvedSshOptions, SshEnv, SshOptions, SshTarget } from './ssh-options.js';
import { validateSshOptionValues } from './validate-ssh-option-values.js';

/** Every default of the ssh options, in one place. Paths are relative to the home directory. */
export const SSH_DEFAULTS = Object.freeze({
  port: 22,
  readyTimeout: 5000,
  keepaliveInterval: 15_000,
  knownHosts: '~/.ssh/known_hosts',
  hostKeyCheck: 'strict',
  sshConfig: '~/.ssh/config',
  identities: Object.freeze(['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa']),
} as const);

/** Test seams: where `~/.ssh/config` is and how it is read. */
export interface NormalizeSshContext {
  /** The SSH config file; default `~/.ssh/config` (with `HOME` from the env). */
  readonly sshConfigPath?: string | undefined;
  readonly readSshConfig?: ReadOptionalFile | undefined;
}

/**
 * The one normalization of `$.ssh(target, options)`: parses the target, applies `~/.ssh/config`
 * (HostName, User, Port, IdentityFile), the environment (`HOME`, `USER`, `SSH_AUTH_SOCK`,
 * `SSH_POOL_CONNECTION_TIMEOUT_MS`) and the defaults, loads and checks the private key, and returns a
 * frozen `ResolvedSshOptions` whose credentials are redacted `Secret`s. Every bad input is a `ConfigError`.
 */
export function normalizeSshOptions(
  target: SshTarget,
  options: SshOptions = {},
  env: SshEnv = {},
  context: NormalizeSshContext = {},
): ResolvedSshOptions {
  const { parsed, given } = splitTarget(target, options);
  validateSshOptionValues(given);
  const alias = parsed?.host ?? given.host;
  if (alias === undefined) throw new ConfigError(missingHostMessage(), 'host');
  validateHost(alias);

  const home = env['HOME'] ?? homedir();
  const entry = resolveSshConfig(alias, context.sshConfigPath ?? expandHome(SSH_DEFAULTS.sshConfig, home), context.readSshConfig);
  const host = entry.hostName === undefined ? alias : expandHostName(entry.hostName, alias);
  validateHost(host);
  const port = validatePort(pick('port', parsed?.port, given.port) ?? entry.port ?? SSH_DEFAULTS.port, 'port');
  const localUser = env['USER'] ?? env['LOGNAME'] ?? currentUser();
  const username = pick('username', parsed?.username, given.username) ?? entry.user ?? localUser;
  validateUsername(username);

  const agent = given.agent === false ? undefined : (given.agent ?? nonEmpty(env['SSH_AUTH_SOCK']));
  const tokens: TokenContext = { home, localUser, remoteUser: username, host, alias, port };
  const key = resolvePrivateKey({
    explicit: given.privateKey,
    configured: entry.identityFiles.map((path) => expandSshPath(path, tokens)),
    defaults: SSH_DEFAULTS.identities.map((path) => expandSshPath(path, tokens)),
    home,
    hasPassphrase: given.passphrase !== undefined,
    hasOtherMethod: agent !== undefined || given.password !== undefined,
  });

  return Object.freeze({
    host,
    port,
    username,
    target: formatTarget(username, host, port),
    alias: alias === host ? undefined : alias,
    privateKey: key === undefined ? undefined : new Secret(key.text),
    privateKeySource: key?.source,
    privateKeyEncrypted: key?.encrypted ?? false,
    passphrase: given.passphrase === undefined ? undefined : new Secret(given.passphrase),
    password: given.password === undefined ? undefined : new Secret(given.password),
    agent,
    readyTimeout: given.readyTimeout ?? readTimeoutEnv(env) ?? SSH_DEFAULTS.readyTimeout,
    keepaliveInterval: given.keepaliveInterval ?? SSH_DEFAULTS.keepaliveInterval,
    knownHosts: expandHome(given.knownHosts ?? SSH_DEFAULTS.knownHosts, home),
    hostKeyCheck: given.hostKeyCheck ?? SSH_DEFAULTS.hostKeyCheck,
    pool: given.pool === undefined ? undefined : Object.freeze({ ...given.pool }),
    controlMaster: given.controlMaster,
    controlPath: given.controlPath === undefined ? undefined : expandHome(given.controlPath, home),
    controlPersist: given.controlPersist,
  });
}

let osUser: string | undefined;

/** The OS user (a passwd lookup), once per process: a group of 192 hosts without USER in the env asked 192 times. */
function currentUser(): string {
  osUser ??= userInfo().username;
  return osUser;
}

function splitTarget(target: SshTarget, options: SshOptions): { parsed: ParsedTarget | undefined; given: SshOptions } {
  if (typeof target === 'string') return { parsed: parseSshTarget(target), given: options };
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    throw new ConfigError(badTargetMessage(String(target), 'it is neither a string nor an options object'), 'target');
  }
  if (typeof options !== 'object' || options === null) throw new ConfigError(badOptionMessage('options', 'expected an object'), 'options');
  for (const key of ['host', 'port', 'username'] as const) {
    const a = target[key];
    const b = options[key];
    if (a !== undefined && b !== undefined && a !== b) throw new ConfigError(conflictingTargetMessage(key, String(a), String(b)), key);
  }
  return { parsed: undefined, given: { ...target, ...options } };
}

/** The value from the target string or from the options; both present and different is a ConfigError. */
function pick<T extends string | number>(field: string, fromTarget: T | undefined, fromOptions: T | undefined): T | undefined {
  if (fromTarget !== undefined && fromOptions !== undefined && fromTarget !== fromOptions) {
    throw new ConfigError(conflictingTargetMessage(field, String(fromTarget), String(fromOptions)), field);
  }
  return fromTarget ?? fromOptions;
}

function readTimeoutEnv(env: SshEnv): number | undefined {
  const text = nonEmpty(env['SSH_POOL_CONNECTION_TIMEOUT_MS']);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (/^\d+$/.test(text) && value > 0) return value;
  throw new ConfigError(
    badOptionMessage('readyTimeout', `the environment variable SSH_POOL_CONNECTION_TIMEOUT_MS is "${text}", expected a positive integer (milliseconds)`),
    'SSH_POOL_CONNECTION_TIMEOUT_MS',
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

