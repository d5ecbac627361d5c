/**
 * The public types of `remote.upload()` and `remote.download()` (docs/files.md).
 */
import type { Readable, Writable } from 'node:stream';

/** What `filter` is told about an entry of a directory being transferred. */
export interface TransferEntry {
  /** The path relative to the source directory, with `/` separators (`'lib/index.js'`). */
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink';
  /** Bytes (files), 0 otherwise. */
  readonly size: number;
}

/** `onProgress` payload: where the transfer stands. Sent at most every `PROGRESS_INTERVAL_MS`, and once at the end. */
export interface TransferProgress {
  /** The file being transferred (relative to a directory source; the destination path for a single file). */
  readonly file: string;
  /** Bytes of file contents transferred so far, all files together. */
  readonly bytes: number;
  /** Bytes to transfer in all; undefined when not known in advance (a stream source, a directory downloaded as one tar stream). */
  readonly totalBytes: number | undefined;
  /** Files done. */
  readonly files: number;
  /** Files in all; undefined when not known in advance (a directory downloaded as one tar stream). */
  readonly totalFiles: number | undefined;
}

export interface TransferOptions {
  /** Mode of the destination file (single files only), e.g. `0o755`. Default: the source file's, `0o644` for a Buffer or stream. */
  readonly mode?: number | undefined;
  /** Create the destination's missing parent directories (`mkdir -p`). Default false. */
  readonly mkdir?: boolean | undefined;
  /** Write under a temporary name in the destination's directory and rename it at the end; a failed transfer leaves nothing. Default true. */
  readonly atomic?: boolean | undefined;
  /** Replace an existing destination. False: a `TransferError` (`'exists'`) when it exists. Default true. */
  readonly overwrite?: boolean | undefined;
  /** Give files and directories the source's modification (and access) times. Default false. */
  readonly preserveTimes?: boolean | undefined;
  /** Files in flight at once over SFTP (directories). Default 8. */
  readonly concurrency?: number | undefined;
  /** Directories: return false to leave an entry out (a directory: with everything in it). */
  readonly filter?: ((entry: TransferEntry) => boolean) | undefined;
  /** Compare the sha256 of every file at both ends before the destination appears (remotely with `sha256sum`). Default false. */
  readonly verify?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Ms for the whole transfer; past it, a `TransferError` (`'timeout'`). */
  readonly timeout?: number | undefined;
  readonly onProgress?: ((progress: TransferProgress) => void) | undefined;
}

export type UploadOptions = TransferOptions;
export type DownloadOptions = TransferOptions;

/** What `upload` takes: a local file or directory path, the bytes themselves, or a stream of them. */
export type UploadSource = string | Buffer | Readable;
/** Where `download` writes: a local path (file or directory), or a stream (a single file). */
export type DownloadDestination = string | Writable;

export interface TransferResult {
  /** Files transferred (symlinks and directories not counted). */
  readonly files: number;
  /** Bytes of file contents transferred. */
  readonly bytes: number;
  /** Ms from the call to the end. */
  readonly duration: number;
  /** How the contents travelled: SFTP (single files, or directories when the remote has no `tar`), or one `tar` stream. */
  readonly via: 'sftp' | 'tar';
}
