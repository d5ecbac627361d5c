/**
 * `remote.upload(source, dest, options)` (docs/files.md): a local file, a Buffer or a stream becomes the
 * remote file `dest`; a local directory becomes the remote directory `dest`.
 *
 *   file, Buffer, stream ─► SFTP, many writes in flight ─► dest.rexec-….tmp ─► [verify] ─► rename to dest
 *   directory ─► one tar stream on one exec channel (the remote has tar), else SFTP ─► staged dir ─► rename
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, type Stats as LocalStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '@rexec/adapters';
import { openExecStream } from './exec-stream.js';
import { walkLocalTree } from './local-tree.js';
import { normalizeTransferOptions } from './normalize-transfer-options.js';
import { extractScript, INCOMPLETE_ARCHIVE_EXIT } from './remote-commands.js';
import { checkRemoteDestination, commitRemote, discardRemote, remoteTemporary, type RemoteDestination } from './remote-destination.js';
import { SFTP_WRITE_CHUNK, writeChunks } from './sftp-file-io.js';
import type { SftpSession } from './sftp-session.js';
import { tarStream, type TarEntry } from './tar-writer.js';
import { remoteJoin, remotePath } from './transfer-paths.js';
import { TransferRun } from './transfer-run.js';
import type { TransferDeps } from './transfer-deps.js';
import type { TransferResult, UploadOptions, UploadSource } from './transfer-types.js';
import { totalsOf, type TreeEntry } from './tree-entry.js';
import { LocalFailure, problemOfToolOutput, ToolFailure } from './transfer-failures.js';
import { runWorkers } from './transfer-steps.js';

/** A single file's contents and what is known about them. */
type FileSource =
  | { readonly kind: 'path'; readonly path: string; readonly stats: LocalStats }
  | { readonly kind: 'buffer'; readonly data: Buffer }
  | { readonly kind: 'stream'; readonly stream: Readable };

export function checkUploadArguments(source: unknown, dest: unknown): void {
  const isSource = typeof source === 'string' || Buffer.isBuffer(source) || source instanceof Readable;
  if (!isSource) throw new ConfigError(`upload(source, dest): source must be a local path, a Buffer or a Readable stream, got ${source === null ? 'null' : typeof source}`, 'source');
  if (typeof source === 'string' && (source === '' || source.includes('\0'))) throw new ConfigError('upload(source, dest): source must be a non-empty path without NUL bytes', 'source');
  if (typeof dest !== 'string' || dest === '' || dest.includes('\0')) throw new ConfigError('upload(source, dest): dest must be a non-empty remote path without NUL bytes', 'dest');
}

export async function upload(deps: TransferDeps, source: UploadSource, dest: string, options?: UploadOptions): Promise<TransferResult> {
  checkUploadArguments(source, dest);
  const opts = normalizeTransferOptions('upload', options);
  const run = new TransferRun('upload', deps.channels.target, deps.channels, opts, deps.isPoolClosed);
  try {
    run.check(dest, 'remote');
    if (typeof source === 'string') {
      const stats = await stat(source).catch(async (error: unknown) => {
        throw await run.explain(new LocalFailure(source, error), { local: source, remote: dest });
      });
      if (stats.isDirectory()) {
        if (opts.mode !== undefined) throw new ConfigError('upload(): "mode" applies to a single file; a directory keeps the modes of its entries', 'mode');
        return await uploadTree(run, deps, source, stats, dest);
      }
      if (!stats.isFile()) throw run.failure('unsupported', source, 'local', 'not a regular file or a directory');
      return await uploadFile(run, { kind: 'path', path: source, stats }, dest);
    }
    if (Buffer.isBuffer(source)) return await uploadFile(run, { kind: 'buffer', data: source }, dest);
    return await uploadFile(run, { kind: 'stream', stream: source }, dest);
  } finally {
    run.finish();
  }
}

function chunksOf(source: FileSource): AsyncIterable<Buffer | string> | Iterable<Buffer> {
  if (source.kind === 'buffer') return [source.data];
  if (source.kind === 'stream') return source.stream;
  return createReadStream(source.path, { highWaterMark: SFTP_WRITE_CHUNK });
}

/** Local chunks, hashed as they go; a local read error is tagged as such (it is about the source). */
async function* tapped(chunks: AsyncIterable<Buffer | string> | Iterable<Buffer>, hash: Hash | undefined, where: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of chunks) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      hash?.update(data);
      yield data;
    }
  } catch (error) {
    throw new LocalFailure(where, error);
  }
}

async function uploadFile(run: TransferRun, source: FileSource, dest: string): Promise<TransferResult> {
  const opts = run.options;
  const shown = dest;
  const where = source.kind === 'path' ? source.path : '(stream)';
  run.totalFiles = 1;
  run.totalBytes = source.kind === 'path' ? source.stats.size : source.kind === 'buffer' ? source.data.length : undefined;
  let session: SftpSession;
  let target: RemoteDestination;
  try {
    session = await run.sftp();
    target = await checkRemoteDestination(run, session, remotePath(dest), shown, 'file');
  } catch (error) {
    throw await run.explain(error, { local: where, remote: shown });
  }
  const staged = opts.atomic ? remoteTemporary(target) : target.path;
  let handle: Buffer | undefined;
  let opened = false;
  try {
    handle = await session.open(staged, opts.atomic || !opts.overwrite ? 'wx' : 'w');
    opened = true;
    const hash = opts.verify ? createHash('sha256') : undefined;
    const bytes = await writeChunks(session, handle, tapped(chunksOf(source), hash, where), (count) => run.addBytes(shown, count), run.signal);
    const mode = opts.mode ?? (source.kind === 'path' ? source.stats.mode & 0o7777 : 0o644);
    await session.fchmod(handle, mode);
    if (opts.preserveTimes && source.kind === 'path') await session.futimes(handle, Math.floor(source.stats.atimeMs / 1000), Math.floor(source.stats.mtimeMs / 1000));
    const closing = handle;
    handle = undefined;
    await session.close(closing);
    run.check(shown, 'remote');
    if (hash !== undefined) await run.verifyRemote([{ remote: staged, shown, digest: hash.digest('hex') }]);
    if (opts.atomic) await commitRemote(run, session, staged, target, 'file');
    run.fileDone(shown);
    run.report(true);
    return { files: 1, bytes, duration: performance.now() - run.startedAt, via: 'sftp' };
  } catch (error) {
    if (handle !== undefined) void session.close(handle).catch(() => undefined);
    const explained = await run.explain(error, { local: where, remote: shown });
    if (!opts.atomic || !opened) throw explained;
    throw run.withLeftover(explained, await discardRemote(run, staged, 'file'));
  }
}



async function uploadTree(run: TransferRun, deps: TransferDeps, root: string, rootStats: LocalStats, dest: string): Promise<TransferResult> {
  const opts = run.options;
  const entries = await walkLocalTree(root, rootStats, opts.filter).catch(async (error: unknown) => {
    throw await run.explain(new LocalFailure((error as { path?: string }).path ?? root, error), { local: root, remote: dest });
  });
  const totals = totalsOf(entries);
  run.totalFiles = totals.files;
  run.totalBytes = totals.bytes;
  let session: SftpSession;
  let target: RemoteDestination;
  try {
    session = await run.sftp();
    target = await checkRemoteDestination(run, session, remotePath(dest), dest, 'directory');
  } catch (error) {
    throw await run.explain(error, { local: root, remote: dest });
  }
  const viaTar = await deps.hasTar().catch(() => false);
  const staged = opts.atomic ? remoteTemporary(target) : target.path;
  let made = false;
  try {
    if (opts.atomic || target.existing === undefined) {
      await session.mkdir(staged, 0o700);
      made = true;
    }
    const hashes = opts.verify ? new Map<string, Hash>() : undefined;
    if (viaTar) await tarUpload(run, entries, staged, hashes);
    else await sftpUploadTree(run, session, entries, staged, hashes);
    run.check(dest, 'remote');
    if (hashes !== undefined) {
      const digests = [...hashes].map(([path, hash]) => ({ remote: remoteJoin(staged, path), shown: `${dest}/${path}`, digest: hash.digest('hex') }));
      await run.verifyRemote(digests);
    }
    if (opts.atomic) await commitRemote(run, session, staged, target, 'directory');
    run.report(true);
    return { files: totals.files, bytes: run.bytes, duration: performance.now() - run.startedAt, via: viaTar ? 'tar' : 'sftp' };
  } catch (error) {
    const explained = await run.explain(error, { local: root, remote: dest });
    if (!opts.atomic || !made) throw explained;
    throw run.withLeftover(explained, await discardRemote(run, staged, 'directory'));
  }
}

/** The tree as one tar stream into `staged`, extracted by the remote tar (its last entry marks a complete stream). */
async function tarUpload(run: TransferRun, entries: readonly TreeEntry[], staged: string, hashes: Map<string, Hash> | undefined): Promise<void> {
  const marker = `.rexec-end-${randomBytes(8).toString('hex')}`;
  const tarEntries: TarEntry[] = entries.map((entry) => ({ path: entry.path, type: entry.type, mode: entry.mode, mtime: entry.mtime, size: entry.size, linkTarget: entry.linkTarget, source: entry.source }));
  tarEntries.push({ path: marker, type: 'file', mode: 0o600, mtime: Math.floor(Date.now() / 1000), size: 0 });
  const exec = await openExecStream(run.channels, extractScript(staged, marker, run.options.preserveTimes, run.options.atomic), { signal: run.signal });
  const unstop = run.onStop(() => exec.close());
  exec.channel.resume(); // nothing on stdout; read it so the channel can close
  let localError: LocalFailure | undefined;
  // Every file's hash exists from the start: an empty file never reaches onData.
  if (hashes !== undefined) for (const entry of entries) if (entry.type === 'file') hashes.set(entry.path, createHash('sha256'));
  const archive = Readable.from(
    tarStream(tarEntries, {
      onData: (entry, data) => {
        hashes?.get(entry.path)?.update(data);
        run.addBytes(entry.path, data.length);
      },
      onFile: (entry) => {
        if (entry.path !== marker) run.fileDone(entry.path);
      },
    }),
  );
  archive.on('error', (error: unknown) => {
    localError = new LocalFailure((error as { path?: string }).path ?? '(local tree)', error);
    exec.close();
  });
  exec.channel.on('error', () => undefined);
  archive.pipe(exec.channel);
  try {
    const outcome = await exec.done;
    if (localError !== undefined) throw localError;
    if (outcome.code === 0) return;
    if (outcome.code === null) throw new ToolFailure('connection-lost', 'the channel closed before tar finished');
    const reason = outcome.code === INCOMPLETE_ARCHIVE_EXIT ? 'the archive ended early' : outcome.stderr.trim();
    throw new ToolFailure(problemOfToolOutput(outcome.stderr, true), reason);
  } finally {
    unstop();
    archive.unpipe(exec.channel);
    archive.destroy();
  }
}

/** The tree over SFTP: directories first (parents before children), then symlinks, then files `concurrency` at a time. */
async function sftpUploadTree(run: TransferRun, session: SftpSession, entries: readonly TreeEntry[], staged: string, hashes: Map<string, Hash> | undefined): Promise<void> {
  const opts = run.options;
  const at = (entry: TreeEntry): string => (entry.path === '' ? staged : remoteJoin(staged, entry.path));
  for (const entry of entries) {
    if (entry.type !== 'directory' || entry.path === '') continue;
    await session.mkdir(at(entry), 0o700).catch(async (error: unknown) => {
      // Merging into an existing tree (atomic: false): a directory already there is fine, anything else is not.
      const there = await session.lstat(at(entry));
      if (there?.isDirectory() !== true) throw error;
    });
  }
  for (const entry of entries) {
    if (entry.type !== 'symlink') continue;
    if (!opts.atomic) await session.unlink(at(entry)).catch(() => undefined);
    await session.symlink(entry.linkTarget ?? '', at(entry));
  }
  const files = entries.filter((entry) => entry.type === 'file');
  await runWorkers(files, opts.concurrency, async (entry) => {
    if (run.signal.aborted) throw run.signal.reason;
    const target = at(entry);
    // Never write through a symlink that was there (merging into an existing tree).
    if (!opts.atomic && (await session.lstat(target))?.isSymbolicLink() === true) await session.unlink(target);
    const handle = await session.open(target, opts.atomic ? 'wx' : 'w');
    try {
      const hash = hashes === undefined ? undefined : createHash('sha256');
      if (hash !== undefined) hashes?.set(entry.path, hash);
      await writeChunks(session, handle, tapped(createReadStream(entry.source, { highWaterMark: SFTP_WRITE_CHUNK }), hash, entry.source), (count) => run.addBytes(entry.path, count), run.signal);
      await session.fchmod(handle, entry.mode);
      if (opts.preserveTimes) await session.futimes(handle, entry.atime, entry.mtime);
    } finally {
      await session.close(handle).catch(() => undefined);
    }
    run.fileDone(entry.path);
  });
  // Directories get their own mode (and times) last, deepest first: a read-only one does not stop its contents.
  const dirs = entries.filter((entry) => entry.type === 'directory').sort((a, b) => b.path.length - a.path.length);
  for (const dir of dirs) {
    await session.chmod(at(dir), dir.mode);
    if (opts.preserveTimes) await session.utimes(at(dir), dir.atime, dir.mtime);
  }
}
