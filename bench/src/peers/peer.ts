/**
 * The shape every client under test has inside a child process. A peer module default-exports a
 * `Peer`; the scenarios drive the `LoadedPeer` its `load` returns. Loading the library happens in
 * `load`, so that a missing one (e.g. `$.ssh` not built) is reported as unavailable instead of
 * crashing the child; whatever state a peer keeps lives in that `LoadedPeer`.
 */
import type { TargetInfo } from '../child/protocol.js';

/**
 * How one command runs, where a scenario needs more than the command line (the deploy steps, the faults).
 * Each peer maps these onto its library's own way (`$.ssh`'s `.cd()`, `.stdin()`, `.nothrow()`,
 * `.timeout()`; node-ssh's `execCommand` options; raw ssh2 writes stdin and prefixes `cd`). Peers the
 * deploy and faults sections do not run ignore them.
 */
export interface ExecOptions {
  /** Written to the command's stdin, then EOF. */
  readonly stdin?: string | undefined;
  /** The remote working directory. */
  readonly cwd?: string | undefined;
  /** Resolve with stdout when the command exits non-zero, instead of rejecting. */
  readonly nothrow?: boolean | undefined;
  /** The command's own deadline in ms (`$.ssh`: `.timeout(ms)`). */
  readonly timeoutMs?: number | undefined;
}

/** A held client: a connection, a pool, or a connect-per-command wrapper. */
export interface PeerSession {
  /** Runs one command; resolves with its stdout, rejects when it failed or exited non-zero. */
  exec(command: string, options?: ExecOptions): Promise<string>;
  /** Releases everything the session holds (connections, masters, pools). */
  close(): Promise<void>;
}

/** Why a session is opened: sequential latency, or throughput with a connection budget. */
export interface OpenOptions {
  readonly purpose: 'sequential' | 'throughput' | 'memory' | 'deploy' | 'faults';
  /** Connections the peer may open where it has such a setting. */
  readonly maxConnections?: number | undefined;
  /** Channels a hand-written multiplexing client keeps open at once (the server's MaxSessions). */
  readonly maxChannels?: number | undefined;
  /** `$.ssh` pool options (`{ circuitBreaker: { enabled: false } }` in the faults section); others ignore them. */
  readonly poolOptions?: Readonly<Record<string, unknown>> | undefined;
}

/** A peer whose library is loaded, bound to one target's key material: what the scenarios drive. */
export interface LoadedPeer {
  /** Opens a session; for `$.ssh` and pools this does not connect until the first command. */
  readonly open: (options: OpenOptions) => Promise<PeerSession>;
  /** Opens `n` idle connections and keeps them (memory scenario); absent when the peer cannot. */
  readonly openIdle?: ((n: number) => Promise<PeerSession>) | undefined;
  /** How the peer runs when that is not obvious, e.g. `via ControlMasterAdapter`. */
  readonly note?: string | undefined;
}

/** What a peer module default-exports. */
export interface Peer {
  /**
   * Imports the peer's library and reads what it needs (the key); throws `PeerUnavailableError` when
   * the library is missing. Not timed: a peer may probe the target here (e.g. whether `$.ssh`
   * really starts a ControlMaster).
   */
  load(target: TargetInfo): Promise<LoadedPeer>;
}

/** Thrown by `load` (or `open`) when the library under test is not in the tree yet. */
export class PeerUnavailableError extends Error {
  override readonly name = 'PeerUnavailableError';
}

export const isPeerUnavailableError = (error: unknown): error is PeerUnavailableError =>
  error instanceof PeerUnavailableError;
