/**
 * `remote.download(source, dest, options)` (docs/files.md): the remote file `source` becomes the local file
 * `dest` (or goes into a Writable); the remote directory `source` becomes the local directory `dest`.
 *
 *   file ─► SFTP, many reads in flight ─► dest.rexec-….tmp (or the stream) ─► [verify] ─► rename to dest
 *   directory ─► one `tar -c` stream on one exec channel (the remote has tar, no filter), else SFTP ─► staged dir ─► rename
 */
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { chmod, mkdir, open, utimes, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { Stats } from 'ssh2';
import { ConfigError } from '@rexec/adapters';
import { openExecStream } from './exec-stream.js';
import { checkLocalDestination, commitLocal, discardLocal, localTemporary, type LocalDestination } from './local-destination.js';
import { LocalTreeWriter } from './local-tree-writer.js';
import { normalizeTransferOptions } from './normalize-transfer-options.js';
import { createScript } from './remote-commands.js';
import { walkRemoteTree } from './remote-tree.js';
import { readChunks } from './sftp-file-io.js';
import type { SftpSession } from './sftp-session.js';
import { readTar, TarFormatError, type ReadTarEntry } from './tar-reader.js';
import type { TransferDeps } from './transfer-deps.js';
import { problemOfToolOutput, ToolFailure } from './transfer-failures.js';
import { remoteJoin, remotePath, safeRelativeParts } from './transfer-paths.js';
import { TransferRun } from './transfer-run.js';
import { runWorkers } from './transfer-steps.js';
import type { DownloadDestination, DownloadOptions, TransferResult } from './transfer-types.js';
import { totalsOf } from './tree-entry.js';

export function checkDownloadArguments(source: unknown, dest: unknown): void {
  if (typeof source !== 'string' || source === '' || source.includes('\0')) throw new ConfigError('download(source, dest): source must be a non-empty remote path without NUL bytes', 'source');
  const isDest = (typeof dest === 'string' && dest !== '' && !dest.includes('\0')) || dest instanceof Writable;
  if (!isDest) throw new ConfigError('download(source, dest): dest must be a non-empty local path or a Writable stream', 'dest');
}

export async function download(deps: TransferDeps, source: string, dest: DownloadDestination, options?: DownloadOptions): Promise<TransferResult> {
  checkDownloadArguments(source, dest);
  const opts = normalizeTransferOptions('download', options);
  const run = new TransferRun('download', deps.channels.target, deps.channels, opts, deps.isPoolClosed);
  const shownDest = typeof dest === 'string' ? dest : '(stream)';
  try {
    run.check(source, 'remote');
    let session: SftpSession;
    let stats: Stats;
    try {
      session = await run.sftp();
      stats = await session.stat(remotePath(source));
    } catch (error) {
      throw await run.explain(error, { local: shownDest, remote: source });
    }
    if (stats.isDirectory()) {
      if (typeof dest !== 'string') throw new ConfigError(`download(): ${source} is a directory; give a local directory path as dest, not a stream`, 'dest');
      if (opts.mode !== undefined) throw new ConfigError('download(): "mode" applies to a single file; a directory keeps the modes of its entries', 'mode');
      return await downloadTree(run, deps, session, source, stats, dest);
    }
    if (!stats.isFile()) throw run.failure('unsupported', source, 'remote', 'not a regular file or a directory');
    return await downloadFile(run, session, source, stats, dest);
  } finally {
    run.finish();
  }
}

/** The remote file over SFTP into a staged local file (or the stream), then in place. */
async function downloadFile(run: TransferRun, session: SftpSession, source: string, stats: Stats, dest: DownloadDestination): Promise<TransferResult> {
  const opts = run.options;
  const shownDest = typeof dest === 'string' ? dest : '(stream)';
  run.totalFiles = 1;
  run.totalBytes = stats.size;
  let target: LocalDestination | undefined;
  try {
    if (typeof dest === 'string') target = await checkLocalDestination(run, dest, 'file');
  } catch (error) {
    throw await run.explain(error, { local: shownDest, remote: source });
  }
  const staged = target === undefined ? undefined : opts.atomic ? localTemporary(target) : target.path;
  let file: FileHandle | undefined;
  let remote: Buffer | undefined;
  let opened = false;
  try {
    if (staged !== undefined) {
      file = await open(staged, opts.atomic || !opts.overwrite ? 'wx' : 'w', 0o600);
      opened = true;
    }
    remote = await session.open(remotePath(source), 'r');
    const hash = opts.verify ? createHash('sha256') : undefined;
    const sink = file === undefined ? streamSink(dest as Writable) : fileSink(file);
    const bytes = await readChunks(session, remote, stats.size, async (data) => {
      hash?.update(data);
      await sink.write(data);
      run.addBytes(source, data.length);
    }, run.signal);
    const closing = remote;
    remote = undefined;
    await session.close(closing);
    await sink.end();
    file = undefined;
    run.check(source, 'remote');
    if (staged !== undefined) {
      await chmod(staged, opts.mode ?? stats.mode & 0o7777);
      if (opts.preserveTimes) await utimes(staged, stats.atime, stats.mtime);
    }
    if (hash !== undefined) await run.verifyRemote([{ remote: remotePath(source), shown: source, digest: hash.digest('hex') }]);
    if (opts.atomic && staged !== undefined && target !== undefined) await commitLocal(run, staged, target, 'file');
    run.fileDone(source);
    run.report(true);
    return { files: 1, bytes, duration: performance.now() - run.startedAt, via: 'sftp' };
  } catch (error) {
    if (remote !== undefined) void session.close(remote).catch(() => undefined);
    await file?.close().catch(() => undefined);
    const explained = await run.explain(error, { local: shownDest, remote: source });
    if (!opts.atomic || !opened || staged === undefined) throw explained;
    throw run.withLeftover(explained, await discardLocal(staged));
  }
}

interface Sink {
  write(data: Buffer): Promise<void>;
  end(): Promise<void>;
}

function fileSink(file: FileHandle): Sink {
  return {
    async write(data) {
      let at = 0;
      while (at < data.length) at += (await file.write(data, at, data.length - at)).bytesWritten;
    },
    end: () => file.close(),
  };
}

/** Writes to the caller's stream, waiting for 'drain' when it asks to; ends it at the end. */
function streamSink(stream: Writable): Sink {
  let failure: Error | undefined;
  const onError = (error: Error): void => void (failure ??= error);
  stream.on('error', onError);
  return {
    async write(data) {
      if (failure !== undefined) throw failure;
      if (!stream.write(data)) await once(stream, 'drain');
    },
    async end() {
      if (failure !== undefined) throw failure;
      stream.end();
      await once(stream, 'finish');
      stream.off('error', onError);
    },
  };
}



async function downloadTree(run: TransferRun, deps: TransferDeps, session: SftpSession, source: string, stats: Stats, dest: string): Promise<TransferResult> {
  const opts = run.options;
  let target: LocalDestination;
  try {
    target = await checkLocalDestination(run, dest, 'directory');
  } catch (error) {
    throw await run.explain(error, { local: dest, remote: source });
  }
  // A filter needs the listing, which SFTP gives; without one, tar sends everything in one stream.
  const viaTar = opts.filter === undefined && (await deps.hasTar().catch(() => false));
  const staged = opts.atomic ? localTemporary(target) : target.path;
  let made = false;
  try {
    await mkdir(staged, { mode: 0o700 }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || opts.atomic) throw error;
    });
    made = true;
    const writer = new LocalTreeWriter(staged, opts.preserveTimes);
    const hashes = opts.verify ? new Map<string, Hash>() : undefined;
    if (viaTar) await tarDownload(run, source, writer, hashes);
    else await sftpDownloadTree(run, session, source, stats, writer, hashes);
    await writer.finish();
    run.check(source, 'remote');
    if (hashes !== undefined) {
      const digests = [...hashes].map(([path, hash]) => ({ remote: remoteJoin(remotePath(source), path), shown: `${source}/${path}`, digest: hash.digest('hex') }));
      await run.verifyRemote(digests);
    }
    if (opts.atomic) await commitLocal(run, staged, target, 'directory');
    run.report(true);
    return { files: run.files, bytes: run.bytes, duration: performance.now() - run.startedAt, via: viaTar ? 'tar' : 'sftp' };
  } catch (error) {
    const explained = await run.explain(error, { local: dest, remote: source });
    if (!opts.atomic || !made) throw explained;
    throw run.withLeftover(explained, await discardLocal(staged));
  }
}

/** `tar -c` on the remote host, read as it arrives into the local tree. Totals are not known in advance. */
async function tarDownload(run: TransferRun, source: string, writer: LocalTreeWriter, hashes: Map<string, Hash> | undefined): Promise<void> {
  run.totalBytes = undefined;
  run.totalFiles = undefined;
  const exec = await openExecStream(run.channels, createScript(remotePath(source)), { signal: run.signal });
  const unstop = run.onStop(() => exec.close());
  exec.channel.end(); // tar -c reads nothing
  let current: { entry: ReadTarEntry; path: string; file: Awaited<ReturnType<LocalTreeWriter['file']>>; hash: Hash | undefined } | undefined;
  try {
    try {
      for await (const event of readTar(exec.channel)) {
        if (event.kind === 'entry') {
          const { entry } = event;
          const path = (safeRelativeParts(entry.path) ?? [entry.path]).join('/');
          if (entry.type === 'directory') await writer.directory(entry.path, entry.mode, entry.mtime);
          else if (entry.type === 'symlink') await writer.symlink(entry.path, entry.linkTarget, entry.mtime);
          else if (entry.type === 'hardlink') await writer.hardlink(entry.path, entry.linkTarget);
          else if (entry.type === 'file') {
            const hash = hashes === undefined ? undefined : createHash('sha256');
            if (hash !== undefined) hashes?.set(path, hash);
            current = { entry, path, file: await writer.file(entry.path, entry.mode, entry.mtime), hash };
          }
        } else if (event.kind === 'data' && current !== undefined) {
          current.hash?.update(event.data);
          await current.file.write(event.data);
          run.addBytes(current.path, event.data.length);
        } else if (event.kind === 'end' && current !== undefined) {
          const done = current;
          current = undefined;
          await done.file.finish();
          run.fileDone(done.path);
        }
      }
    } catch (error) {
      await current?.file.abandon();
      // A failure here (a full disk, an unsafe path): the remote tar need not go on.
      if (!(error instanceof TarFormatError)) throw error;
      // The stream was cut: the connection went, or tar failed (its exit status and stderr say which).
      const outcome = await Promise.race([exec.done, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2_000).unref())]);
      if (run.stopped === undefined && (outcome?.code === null || !exec.conn.isOpen)) throw run.failure('connection-lost', source, 'remote', 'the channel closed before tar finished', error);
      if (outcome !== undefined && outcome.code !== 0 && outcome.code !== null) throw new ToolFailure(problemOfToolOutput(outcome.stderr, false), outcome.stderr.trim());
      throw error;
    }
    const outcome = await exec.done;
    run.check(source, 'remote');
    if (outcome.code === null) throw run.failure('connection-lost', source, 'remote', 'the channel closed before tar reported its exit status');
    if (outcome.code !== 0) throw new ToolFailure(problemOfToolOutput(outcome.stderr, false), outcome.stderr.trim());
  } finally {
    unstop();
    exec.close();
  }
}

/** The tree over SFTP: listed first (with `filter`), then directories, symlinks, and files `concurrency` at a time. */
async function sftpDownloadTree(run: TransferRun, session: SftpSession, source: string, stats: Stats, writer: LocalTreeWriter, hashes: Map<string, Hash> | undefined): Promise<void> {
  const entries = await walkRemoteTree(session, remotePath(source), stats, run.options.filter);
  const totals = totalsOf(entries);
  run.totalFiles = totals.files;
  run.totalBytes = totals.bytes;
  for (const entry of entries) {
    if (entry.type === 'directory') await writer.directory(entry.path, entry.mode, entry.mtime, entry.atime);
    else if (entry.type === 'symlink') await writer.symlink(entry.path, entry.linkTarget ?? '', entry.mtime);
  }
  await runWorkers(
    entries.filter((entry) => entry.type === 'file'),
    run.options.concurrency,
    async (entry) => {
      if (run.signal.aborted) throw run.signal.reason;
      const handle = await session.open(entry.source, 'r');
      const file = await writer.file(entry.path, entry.mode, entry.mtime, entry.atime);
      const hash = hashes === undefined ? undefined : createHash('sha256');
      if (hash !== undefined) hashes?.set(entry.path, hash);
      try {
        await readChunks(session, handle, entry.size, async (data) => {
          hash?.update(data);
          await file.write(data);
          run.addBytes(entry.path, data.length);
        }, run.signal);
        await file.finish();
      } catch (error) {
        await file.abandon();
        throw error;
      } finally {
        await session.close(handle).catch(() => undefined);
      }
      run.fileDone(entry.path);
    },
  );
}
