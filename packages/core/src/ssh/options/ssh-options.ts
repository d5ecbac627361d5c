import type { HostKeyCheck } from '@rexec/adapters';
import type { SshPoolOptions } from '../pool/ssh-pool-types.js';
import type { Secret } from '../secret.js';

/**
 * Pool options, passed through untouched to the pooling layer, which validates them (docs/ssh.md#options).
 * (Narrowed by the pooling layer to its `SshPoolOptions`, so `$.ssh(target, { pool })` is type-checked.)
 */
export type SshPoolOptionsInput = Readonly<SshPoolOptions>;

/** What a user may pass to `$.ssh(target, options)` (docs/ssh.md#connection-options). */
export interface SshOptions {
  readonly host?: string | undefined;
  /** Default 22 (or `Port` from `~/.ssh/config`). */
  readonly port?: number | undefined;
  /** Default: `User` from `~/.ssh/config`, else the local user name. */
  readonly username?: string | undefined;
  /** A key file path (`~` expanded) or the key text itself (string or Buffer). */
  readonly privateKey?: string | Buffer | undefined;
  /** Passphrase of an encrypted `privateKey`. */
  readonly passphrase?: string | Buffer | undefined;
  readonly password?: string | undefined;
  /** ssh-agent socket path; default `$SSH_AUTH_SOCK`; `false` disables the agent. */
  readonly agent?: string | false | undefined;
  /** Milliseconds the TCP connect + SSH handshake + auth may take; default `SSH_POOL_CONNECTION_TIMEOUT_MS` or 5000. */
  readonly readyTimeout?: number | undefined;
  /** Milliseconds between SSH-level keepalives; 0 disables them. Default 15000. */
  readonly keepaliveInterval?: number | undefined;
  /** known_hosts file; default `~/.ssh/known_hosts`. */
  readonly knownHosts?: string | undefined;
  readonly hostKeyCheck?: HostKeyCheck | undefined;
  readonly pool?: SshPoolOptionsInput | undefined;
  readonly controlMaster?: boolean | undefined;
  readonly controlPath?: string | undefined;
  readonly controlPersist?: string | number | boolean | undefined;
  /**
   * The shell each command runs under (`exec SHELL -c command`), e.g. `'/bin/bash'`. Default: the login shell
   * over ssh2, `/bin/sh` with `controlMaster` (docs/commands.md#shell-and-pipefail). Not part of the pool's identity.
   */
  readonly shell?: string | undefined;
  /** `set -o pipefail` before each command; needs a `shell` that has it (bash, zsh, ksh). Default false. */
  readonly pipefail?: boolean | undefined;
}

/** A target: `'user@host:port'`, an alias from `~/.ssh/config`, or an options object. */
export type SshTarget = string | SshOptions;

/** The environment variables the ssh options read (pass `process.env`). Read when normalizing, never at import. */
export type SshEnv = Readonly<Record<string, string | undefined>>;

/**
 * Fully resolved, frozen SSH options. Internals accept only this.
 * Credentials are `Secret`s: they print as `[redacted]` in `util.inspect`, `JSON.stringify` and strings.
 */
export interface ResolvedSshOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** `username@host:port`, shown in results and errors. */
  readonly target: string;
  /** What the user typed as host, when it differs from `host` (an alias resolved through `~/.ssh/config`). */
  readonly alias: string | undefined;
  /** The private key text. */
  readonly privateKey: Secret<Buffer> | undefined;
  /** Where the key came from, for messages: its path, or `(given as text)`. */
  readonly privateKeySource: string | undefined;
  /** True when the key text is encrypted (a `passphrase` is then present). */
  readonly privateKeyEncrypted: boolean;
  readonly passphrase: Secret | undefined;
  readonly password: Secret<string> | undefined;
  /** ssh-agent socket path, or undefined for none. */
  readonly agent: string | undefined;
  readonly readyTimeout: number;
  readonly keepaliveInterval: number;
  readonly knownHosts: string;
  readonly hostKeyCheck: HostKeyCheck;
  readonly pool: SshPoolOptionsInput | undefined;
  readonly controlMaster: boolean | undefined;
  readonly controlPath: string | undefined;
  readonly controlPersist: string | number | boolean | undefined;
}
