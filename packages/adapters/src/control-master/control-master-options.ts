import { ConfigError } from '../errors/index.js';
import {
  checkControlPersist,
  checkInteger,
  checkPath,
  checkSshOptions,
  checkWord,
  failOption,
} from './option-checks.js';

/**
 * How the server's host key is checked against known_hosts (docs/ssh.md#host-keys), for `$.ssh` and for
 * the ControlMaster adapter alike (which maps it to `StrictHostKeyChecking`, docs/control-master.md#options):
 * - `'strict'` (default): the key must already be recorded; an unknown host is refused.
 * - `'accept-new'`: an unknown host's key is recorded on first connect; a known host must match.
 * - `'off'`: INSECURE; any key is accepted for unknown hosts (over ssh2 a changed key is still refused).
 */
export type HostKeyCheck = 'strict' | 'accept-new' | 'off';

/** Options of a `ControlMasterAdapter`. Names follow `$.ssh(...)` (docs/ssh.md#connection-options) where they overlap. */
export interface ControlMasterAdapterOptions {
  /** Host name or address, as ssh takes it (a `~/.ssh/config` alias works). Required. */
  readonly host: string;
  /** `-p`; when absent, ssh's configuration decides (22 by default). */
  readonly port?: number;
  /** `-l`; when absent, ssh's configuration decides (the local user by default). */
  readonly username?: string;
  /** Path of a private key (`~` expanded): `-i path -o IdentitiesOnly=yes`. Key text is not accepted. */
  readonly privateKey?: string;
  /** ssh-agent socket path (`IdentityAgent`); default: ssh's own (`$SSH_AUTH_SOCK`). */
  readonly agent?: string;
  /** known_hosts file (`UserKnownHostsFile`); default: ssh's own (`~/.ssh/known_hosts`). */
  readonly knownHosts?: string;
  /** `strict` → `StrictHostKeyChecking=yes`, `accept-new`, `off` → `no` with no known_hosts. Default `strict`. */
  readonly hostKeyCheck?: HostKeyCheck;
  /** Socket path; OpenSSH `%` tokens allowed (`~/.ssh/cm-%r@%h:%p`). Default: `<private dir>/<hash>-%C`. */
  readonly controlPath?: string;
  /** How long an idle master lives: seconds, an OpenSSH time (`'10m'`), or `true` (until dispose). Default 60. */
  readonly controlPersist?: number | string | true;
  /** Milliseconds the master may take to connect and authenticate. Default 5000. */
  readonly readyTimeout?: number;
  /** SSH keepalive of the master in ms (`ServerAliveInterval`, rounded up to seconds); 0 = off. Default 15000. */
  readonly keepaliveInterval?: number;
  /** Milliseconds for `ssh -O check` / `-O exit` and for reaching the master to kill a command. Default 3000. */
  readonly checkTimeout?: number;
  /** Milliseconds between SIGTERM and SIGKILL when a command is ended (timeout, abort). Default 2000. */
  readonly forceKillAfterDelay?: number;
  /** Bytes of stdout (and, separately, stderr) kept when a command sets no `maxBuffer`. Default 100 MiB. */
  readonly maxBuffer?: number;
  /** The OpenSSH client. Default `ssh` (from PATH). */
  readonly sshPath?: string;
  /** `-F file`; default: ssh's own configuration (`~/.ssh/config`). `/dev/null` ignores it. */
  readonly configFile?: string;
  /** Extra `-o Key=Value` options, e.g. `{ ProxyJump: 'bastion' }`. */
  readonly sshOptions?: Readonly<Record<string, string>>;
}

export interface ResolvedControlMasterOptions {
  readonly host: string;
  readonly port: number | undefined;
  readonly username: string | undefined;
  readonly privateKey: string | undefined;
  readonly agent: string | undefined;
  readonly knownHosts: string | undefined;
  readonly hostKeyCheck: HostKeyCheck;
  readonly controlPath: string | undefined;
  /** As passed to ssh (`60`, `10m`, `yes`). */
  readonly controlPersist: string;
  /** Idle lifetime in ms; undefined = until `ssh -O exit`. */
  readonly controlPersistMs: number | undefined;
  readonly readyTimeout: number;
  readonly keepaliveInterval: number;
  readonly checkTimeout: number;
  readonly forceKillAfterDelay: number;
  readonly maxBuffer: number;
  readonly sshPath: string;
  readonly configFile: string | undefined;
  readonly sshOptions: Readonly<Record<string, string>>;
}

export const CONTROL_MASTER_DEFAULTS = Object.freeze({
  hostKeyCheck: 'strict',
  controlPersist: 60,
  readyTimeout: 5000,
  keepaliveInterval: 15_000,
  checkTimeout: 3000,
  forceKillAfterDelay: 2000,
  maxBuffer: 100 * 1024 * 1024,
  sshPath: 'ssh',
});

const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'host', 'port', 'username', 'privateKey', 'agent', 'knownHosts', 'hostKeyCheck', 'controlPath', 'controlPersist',
  'readyTimeout', 'keepaliveInterval', 'checkTimeout', 'forceKillAfterDelay', 'maxBuffer', 'sshPath', 'configFile', 'sshOptions',
]);

const SECRET_KEYS = new Map([
  ['password', 'ssh runs with BatchMode=yes and cannot type a password; use a key (privateKey) or ssh-agent (agent)'],
  ['passphrase', 'ssh runs with BatchMode=yes and cannot type a passphrase; load the key into ssh-agent instead'],
]);

const optional = <T>(value: T | undefined, check: (value: T) => T): T | undefined => (value === undefined ? undefined : check(value));

function checkPrivateKey(value: unknown): string {
  if (Buffer.isBuffer(value) || (typeof value === 'string' && /-----BEGIN|\n/.test(value))) {
    failOption('privateKey', 'must be the path of a key file: the OpenSSH client reads keys from files (or use ssh-agent)');
  }
  return checkPath('privateKey', value);
}

/** Applies defaults and validates; throws `ConfigError` naming the first bad or unknown option. Never echoes secrets. */
export function normalizeControlMasterOptions(options: unknown): ResolvedControlMasterOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError('ControlMasterAdapter options must be an object, e.g. new ControlMasterAdapter({ host: "example.com" })', 'options');
  }
  for (const key of Object.keys(options)) {
    const secret = SECRET_KEYS.get(key);
    if (secret !== undefined) failOption(key, `is not supported: ${secret}`);
    if (!KNOWN_KEYS.has(key)) failOption(key, `is not a known option (known: ${[...KNOWN_KEYS].join(', ')}); remove it`);
  }
  const input = options as ControlMasterAdapterOptions;
  const hostKeyCheck = input.hostKeyCheck ?? CONTROL_MASTER_DEFAULTS.hostKeyCheck;
  if (!['strict', 'accept-new', 'off'].includes(hostKeyCheck)) {
    failOption('hostKeyCheck', `must be "strict", "accept-new" or "off", got ${JSON.stringify(hostKeyCheck)}`);
  }
  const persist = checkControlPersist(input.controlPersist ?? CONTROL_MASTER_DEFAULTS.controlPersist);
  const port = optional(input.port, (value) => {
    if (!Number.isInteger(value) || value < 1 || value > 65535) failOption('port', `must be a whole number from 1 to 65535, got ${String(value)}`);
    return value;
  });
  return Object.freeze({
    host: checkWord('host', input.host, '"example.com"'),
    port,
    username: optional(input.username, (value) => checkWord('username', value, '"deploy"')),
    privateKey: optional(input.privateKey, checkPrivateKey),
    agent: optional(input.agent, (value) => checkPath('agent', value)),
    knownHosts: optional(input.knownHosts, (value) => checkPath('knownHosts', value)),
    hostKeyCheck,
    controlPath: optional(input.controlPath, (value) => checkPath('controlPath', value)),
    controlPersist: persist.arg,
    controlPersistMs: persist.ms,
    readyTimeout: checkInteger('readyTimeout', input.readyTimeout ?? CONTROL_MASTER_DEFAULTS.readyTimeout, 1, 'milliseconds'),
    keepaliveInterval: checkInteger('keepaliveInterval', input.keepaliveInterval ?? CONTROL_MASTER_DEFAULTS.keepaliveInterval, 0, 'milliseconds'),
    checkTimeout: checkInteger('checkTimeout', input.checkTimeout ?? CONTROL_MASTER_DEFAULTS.checkTimeout, 1, 'milliseconds'),
    forceKillAfterDelay: checkInteger('forceKillAfterDelay', input.forceKillAfterDelay ?? CONTROL_MASTER_DEFAULTS.forceKillAfterDelay, 0, 'milliseconds'),
    maxBuffer: checkInteger('maxBuffer', input.maxBuffer ?? CONTROL_MASTER_DEFAULTS.maxBuffer, 1, 'bytes'),
    sshPath: checkPath('sshPath', input.sshPath ?? CONTROL_MASTER_DEFAULTS.sshPath),
    configFile: optional(input.configFile, (value) => checkPath('configFile', value)),
    sshOptions: checkSshOptions(input.sshOptions ?? {}),
  });
}
