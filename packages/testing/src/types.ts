/** Which server a test host runs: a real OpenSSH `sshd`, or the embedded ssh2-based server. */
export type SshHostKind = 'openssh' | 'embedded';

/** Everything a test needs to reach a host. Plain data: it crosses from vitest's globalSetup to the tests. */
export interface SshHostInfo {
  readonly kind: SshHostKind;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly username: string;
  /** Path of an unencrypted ed25519 client key that the host accepts. */
  readonly privateKeyPath: string;
  /** Text of that key (OpenSSH format). */
  readonly privateKey: string;
  /** A known_hosts file holding this host's key as `[127.0.0.1]:port`. */
  readonly knownHostsPath: string;
  /** `SHA256:...` fingerprint of the host key, as OpenSSH prints it. */
  readonly hostKeyFingerprint: string;
  /** The server's log (sshd `-e` output, or the embedded server's own lines). */
  readonly logPath: string;
  /** The private (0700) temp dir holding keys, config and log; removed by `stop()`. */
  readonly dir: string;
  /** The sshd process id; undefined for the embedded server (it runs in this process). */
  readonly pid: number | undefined;
}

/**
 * A running host. `stop()` ends the server and removes its temp dir; it is idempotent. `kill`,
 * `killSessions` and `restart` break and mend it for fault tests; all four run one at a time, in call
 * order, and reject once `stop()` was called. `pid` follows restarts (while killed: the killed sshd's).
 */
export interface SshHost extends SshHostInfo {
  stop(): Promise<void>;
  /** False between `kill()` and `restart()`, and after `stop()`. */
  readonly running: boolean;
  /**
   * Kills the server as a crash would: the listening sshd, every per-connection sshd (so established
   * connections drop) and the commands they run, with `signal` (SIGKILL after 3 s for what is left).
   * Resolves when they are gone; connecting is refused until `restart()`. No-op while killed.
   * Embedded server: it stops listening and resets its connections; its commands get `signal`.
   */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Kills the established connections only (as `kill` does), the listener goes on accepting. */
  killSessions(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /**
   * Starts the server again on the same port with the same config, host key and authorized key (so the
   * same known_hosts entry and client key work); kills it first if it is running. Resolves once it
   * answers with an SSH banner. Retries a few times while the port is taken; rejects if it stays taken.
   */
  restart(): Promise<void>;
}

export interface StartSshHostOptions {
  /** `'auto'` (default): OpenSSH when `sshd` is installed, else embedded. `REXEC_TEST_SSHD` overrides `'auto'`. */
  readonly kind?: 'auto' | SshHostKind;
  /** sshd `MaxSessions` (channels per connection). Default 10. */
  readonly maxSessions?: number;
  /** sshd `MaxStartups`. Default `'100:30:200'`. */
  readonly maxStartups?: string;
  /** Extra sshd_config lines, written first so they win (sshd keeps the first value of a keyword). */
  readonly extraConfig?: readonly string[];
  /**
   * More loopback addresses (`127.0.0.2`, ...) the sshd listens on, on the same port as 127.0.0.1: one
   * server that answers as several distinct `host:port` targets (`startSshHosts`). OpenSSH only.
   */
  readonly extraAddresses?: readonly string[];
  /** Where sshd is. Default: `sshd` on PATH, else `/usr/sbin/sshd`. A path that is not executable counts as missing. */
  readonly sshdPath?: string;
  /** Environment to read `PATH` and `REXEC_TEST_SSHD` from. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}
