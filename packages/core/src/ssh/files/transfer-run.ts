/**
 * One `upload` or `download` call: its options, its deadline and abort, its progress, the channels it holds
 * (closed at once when it is aborted or times out), and how its failures become `TransferError`s.
 */
import { ConnectionError, isRexecError, TransferError, type TransferProblem } from '@rexec/adapters';
import type { ChannelLeases } from '../channels/channel-leases.js';
import type { NormalizedTransferOptions } from './normalize-transfer-options.js';
import { openSftpSession, SFTP_STATUS, statusOf, type SftpSession } from './sftp-session.js';
import { NoSha256Error, remoteSha256 } from './remote-commands.js';
import { LocalFailure, ToolFailure } from './transfer-failures.js';
import type { TransferProgress } from './transfer-types.js';

/** `onProgress` is called at most this often (plus once at the end). */
export const PROGRESS_INTERVAL_MS = 100;
/** Below this many free bytes, a write failure on a file system is taken for a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;
/** How long cleaning up after a failure may wait for a channel (the host may be gone). */
const CLEANUP_WAIT_MS = 3_000;

export type Side = 'local' | 'remote';

/** The paths a failure may be about: the local and the remote end of the transfer (as the user wrote them). */
export interface FailurePlace {
  readonly local: string;
  readonly remote: string;
}

/** A file's digest as computed here, to compare with the remote one: its remote path and the path users see. */
export interface Digest {
  readonly remote: string;
  readonly shown: string;
  readonly digest: string;
}

export class TransferRun {
  readonly startedAt = performance.now();
  private readonly controller = new AbortController();
  private readonly interrupters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private why: 'aborted' | 'timeout' | undefined;
  private sessionPromise: Promise<SftpSession> | undefined;
  private session: SftpSession | undefined;
  private finished = false;
  private readonly cleanupSessions: SftpSession[] = [];
  private lastProgressAt = 0;
  private progressFile = '';
  bytes = 0;
  files = 0;
  totalBytes: number | undefined = 0;
  totalFiles: number | undefined = 0;

  constructor(
    readonly direction: 'upload' | 'download',
    readonly target: string,
    readonly channels: ChannelLeases,
    readonly options: NormalizedTransferOptions,
    private readonly isPoolClosed: () => boolean = () => false,
  ) {
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) this.stop('aborted');
      else signal.addEventListener('abort', this.onUserAbort, { once: true });
    }
    if (options.timeout !== undefined) this.timer = setTimeout(() => this.stop('timeout'), options.timeout);
  }

  private readonly onUserAbort = (): void => this.stop('aborted');

  /** Aborted when the user's signal fires or the timeout runs out. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopped(): 'aborted' | 'timeout' | undefined {
    return this.why;
  }

  private stop(why: 'aborted' | 'timeout'): void {
    if (this.why !== undefined) return;
    this.why = why;
    this.controller.abort(new Error(why));
    for (const interrupt of [...this.interrupters]) {
      try {
        interrupt();
      } catch {
        // closing a channel that is already gone
      }
    }
  }

  /** Runs `interrupt` (closes a channel) if the transfer is stopped while it is registered. */
  onStop(interrupt: () => void): () => void {
    if (this.why !== undefined) interrupt();
    this.interrupters.add(interrupt);
    return () => this.interrupters.delete(interrupt);
  }

  /** Throws the abort or timeout error once the transfer was stopped. */
  check(path: string, side: Side): void {
    if (this.why !== undefined) throw this.failure(this.why, path, side);
  }

  /** The transfer's SFTP session, opened on first use (one lease for the whole transfer). */
  sftp(): Promise<SftpSession> {
    this.sessionPromise ??= openSftpSession(this.channels, { signal: this.signal }).then((session) => {
      this.session = session;
      this.onStop(() => session.end());
      if (this.finished) session.end();
      return session;
    });
    return this.sessionPromise;
  }

  /** A session for cleaning up after a failure: the transfer's own if it still works, else a new one, briefly waited for. */
  async cleanupSession(): Promise<SftpSession | undefined> {
    const current = await this.sessionPromise?.catch(() => undefined);
    if (current !== undefined && !current.closed && this.why === undefined) return current;
    const fresh = await openSftpSession(this.channels, { timeout: CLEANUP_WAIT_MS }).catch(() => undefined);
    if (fresh !== undefined) this.cleanupSessions.push(fresh);
    return fresh;
  }

  /** Ends the transfer's session and timers. */
  finish(): void {
    this.finished = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onUserAbort);
    // At once, so the lease is back before the caller's await resumes.
    this.session?.end();
    for (const session of this.cleanupSessions.splice(0)) session.end();
  }

  failure(problem: TransferProblem, path: string, side: Side, reason?: string, cause?: unknown, leftover?: string): TransferError {
    return new TransferError(
      { problem, direction: this.direction, target: this.target, path, side, reason, leftover },
      cause === undefined ? {} : { cause },
    );
  }

  /**
   * The error to throw for `error`: a TransferError naming the path (on the side the error is about) and what
   * to do, or the pool's own error (closed, circuit open, authentication…) unchanged. Node's errors (a string
   * `code`) are about the local end, SFTP's (a numeric status) and tar's about the remote end.
   */
  async explain(error: unknown, place: FailurePlace): Promise<Error> {
    if (error instanceof TransferError) return error;
    const remoteWrites = this.direction === 'upload';
    if (this.why !== undefined) return this.failure(this.why, place.remote, 'remote', undefined, error);
    if (error instanceof LocalFailure) {
      const code = (error.cause as NodeJS.ErrnoException | null)?.code;
      const problem = typeof code === 'string' ? problemOfErrno(code, !remoteWrites) : 'failed';
      return this.failure(problem, error.path, 'local', error.message, error.cause);
    }
    if (error instanceof ToolFailure) return this.failure(error.problem, place.remote, 'remote', error.message, error);
    if (error instanceof ConnectionError || isLostChannel(error)) {
      // closePool() closed the connection under the transfer: it was stopped, not lost.
      if (this.isPoolClosed()) return this.failure('aborted', place.remote, 'remote', 'the pool was closed (closePool())', error);
      return this.failure('connection-lost', place.remote, 'remote', messageOf(error), error);
    }
    if (isRexecError(error)) return error;
    const notADirectory = (error as { notADirectory?: unknown } | null)?.notADirectory;
    if (typeof notADirectory === 'string') return this.failure('not-a-directory', notADirectory, 'remote', messageOf(error), error);
    const errno = (error as NodeJS.ErrnoException | null)?.code;
    if (typeof errno === 'string') return this.failure(problemOfErrno(errno, !remoteWrites), place.local, 'local', messageOf(error), error);
    const status = statusOf(error);
    if (status !== undefined) return this.failure(await this.problemOfStatus(status, place.remote, remoteWrites), place.remote, 'remote', messageOf(error), error);
    return this.failure('failed', place.remote, 'remote', messageOf(error), error);
  }

  private async problemOfStatus(status: number, path: string, writing: boolean): Promise<TransferProblem> {
    if (status === SFTP_STATUS.noSuchFile) return 'not-found';
    if (status === SFTP_STATUS.permissionDenied) return writing ? 'not-writable' : 'failed';
    if (status === SFTP_STATUS.failure && writing) {
      // sftp-server says only "Failure" for ENOSPC and EROFS: ask the file system.
      const session = await this.sessionPromise?.catch(() => undefined);
      const usable = session !== undefined && !session.closed ? session : undefined;
      const parentSpace = (await usable?.space(path).catch(() => undefined)) ?? (await usable?.space(parentOf(path)).catch(() => undefined));
      if (parentSpace?.readOnly === true) return 'not-writable';
      if (parentSpace !== undefined && parentSpace.available < NEARLY_FULL_BYTES) return 'no-space';
    }
    return 'failed';
  }

  /** `error` again, naming a staged copy that could not be removed (when there is one). */
  /** Compares local sha256 digests with `sha256sum` of the remote files; a difference is `'verify-failed'`. */
  async verifyRemote(digests: readonly Digest[]): Promise<void> {
    let remote: Array<string | undefined>;
    try {
      remote = await remoteSha256(this.channels, digests.map((digest) => digest.remote));
    } catch (error) {
      if (error instanceof NoSha256Error) throw this.failure('unsupported', digests[0]?.shown ?? '', 'remote', `verify: ${error.message}`);
      throw error;
    }
    digests.forEach((digest, i) => {
      const theirs = remote[i];
      if (theirs !== digest.digest) throw this.failure('verify-failed', digest.shown, 'remote', `sha256 here ${digest.digest}, there ${theirs ?? 'unreadable'}`);
    });
  }

  withLeftover(error: Error, leftover: string | undefined): Error {
    if (leftover === undefined || !(error instanceof TransferError)) return error;
    return new TransferError(
      { problem: error.problem, direction: error.direction, target: error.target, path: error.path, side: error.side, reason: error.reason, leftover },
      { cause: error.cause },
    );
  }

  // ── progress ─────────────────────────────────────────────────────────────────────────────────────

  /** `count` more bytes of `file` went through. */
  addBytes(file: string, count: number): void {
    this.bytes += count;
    this.progressFile = file;
    this.report(false);
  }

  fileDone(file: string): void {
    this.files += 1;
    this.progressFile = file;
    this.report(false);
  }

  report(final: boolean): void {
    const onProgress = this.options.onProgress;
    if (onProgress === undefined) return;
    const now = performance.now();
    if (!final && now - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.lastProgressAt = now;
    const progress: TransferProgress = { file: this.progressFile, bytes: this.bytes, totalBytes: this.totalBytes, files: this.files, totalFiles: this.totalFiles };
    try {
      onProgress(progress);
    } catch {
      // a throwing progress callback must not break the transfer
    }
  }
}

function parentOf(path: string): string {
  const index = path.lastIndexOf('/');
  if (index < 0) return '.';
  return index === 0 ? '/' : path.slice(0, index);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** ssh2's errors for a channel that went away under an SFTP call or a stream. */
function isLostChannel(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /No response from server|Not connected|Channel is not open|channel closed|Connection lost/i.test(error.message);
}

function problemOfErrno(code: string, writing: boolean): TransferProblem {
  switch (code) {
    case 'ENOENT':
      return 'not-found';
    case 'EEXIST':
      return 'exists';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return writing ? 'not-writable' : 'failed';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no-space';
    case 'ENOTDIR':
      return 'not-a-directory';
    case 'EISDIR':
      return 'is-a-directory';
    default:
      return 'failed';
  }
}
