/**
 * One SFTP session on a leased channel of a pooled connection, with the calls transfers use as promises.
 * Errors are ssh2's: an SFTP status error carries `code` (2 no such file, 3 permission denied, 4 failure…);
 * a lost channel fails every outstanding call with "No response from server". `transfer-failure.ts` turns
 * them into `TransferError`s.
 */
import type { SFTPWrapper, Stats, FileEntryWithStats } from 'ssh2';
import type { ChannelLeases, ChannelLeaseOptions, HeldChannel } from '../channels/channel-leases.js';
import { remoteJoin, remoteParent } from './transfer-paths.js';

/** SFTP status codes (draft-ietf-secsh-filexfer-02). */
export const SFTP_STATUS = { eof: 1, noSuchFile: 2, permissionDenied: 3, failure: 4 } as const;

/** `f_flag` bit of statvfs: mounted read-only. */
const ST_RDONLY = 1;

export interface FsSpace {
  /** Bytes free for unprivileged users. */
  readonly available: number;
  readonly readOnly: boolean;
}

export interface SftpSession {
  readonly sftp: SFTPWrapper;
  /** The connection's id, as in events. */
  readonly connectionId: string;
  /** True once the channel closed (ended by us or lost). */
  readonly closed: boolean;
  /**
   * False once the channel is closed or closing. ssh2 drops a request sent on a closed SFTP channel without
   * ever calling it back: every call checks this first (and fails at once).
   */
  alive(): boolean;
  open(path: string, flags: 'r' | 'w' | 'wx'): Promise<Buffer>;
  close(handle: Buffer): Promise<void>;
  fstat(handle: Buffer): Promise<Stats>;
  stat(path: string): Promise<Stats>;
  /** undefined when nothing is there. */
  lstat(path: string): Promise<Stats | undefined>;
  mkdir(path: string, mode?: number): Promise<void>;
  /** `mkdir -p`: creates the missing directories of `path`. */
  mkdirp(path: string): Promise<void>;
  readdir(path: string): Promise<FileEntryWithStats[]>;
  readlink(path: string): Promise<string>;
  symlink(target: string, path: string): Promise<void>;
  /** Renames; `replace` replaces an existing destination atomically (posix-rename@openssh.com, else remove + rename). */
  rename(from: string, to: string, replace: boolean): Promise<void>;
  unlink(path: string): Promise<void>;
  /** `rm -rf` over SFTP: removes `path` and everything under it (never following symlinks). Nothing there is fine. */
  removeTree(path: string): Promise<void>;
  fchmod(handle: Buffer, mode: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  futimes(handle: Buffer, atime: number, mtime: number): Promise<void>;
  utimes(path: string, atime: number, mtime: number): Promise<void>;
  /** Free space and read-only flag of the file system holding `path` (statvfs@openssh.com); undefined when the server lacks it. */
  space(path: string): Promise<FsSpace | undefined>;
  /** Ends the session; its lease ends once the channel closed. */
  end(): void;
}

/** What a call on a closed session fails with (the same words as ssh2's, so it reads as a lost channel). */
export function channelGone(): Error {
  return new Error('No response from server: the SFTP channel is closed');
}

const callOn = <T>(alive: () => boolean, run: (callback: (error: Error | undefined | null, value: T) => void) => void): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    if (!alive()) return reject(channelGone());
    try {
      run((error, value) => (error ? reject(error) : resolve(value)));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });


export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Opens an SFTP session as one lease of the pool. */
export async function openSftpSession(channels: ChannelLeases, options: ChannelLeaseOptions): Promise<SftpSession> {
  const held: HeldChannel<SFTPWrapper> = await channels.open<SFTPWrapper>('session', (client, done) => client.sftp(done), options);
  return wrapSftp(held);
}

function wrapSftp(held: HeldChannel<SFTPWrapper>): SftpSession {
  const sftp = held.channel;
  let closed = false;
  const onClosed = (): void => {
    closed = true;
    held.release();
  };
  sftp.once('close', onClosed);
  sftp.on('error', () => undefined);
  const internal = sftp as unknown as { _extensions?: Record<string, string>; readable?: boolean; outgoing?: { state?: string } };
  const alive = (): boolean => !closed && internal.readable !== false && (internal.outgoing?.state ?? 'open') === 'open';
  const call = <T>(run: (callback: (error: Error | undefined | null, value: T) => void) => void): Promise<T> => callOn(alive, run);
  const callVoid = (run: (callback: (error: Error | undefined | null) => void) => void): Promise<void> => call<void>((done) => run((error) => done(error, undefined)));
  const extensions = internal._extensions ?? {};
  const hasExtension = (name: string): boolean => extensions[name] !== undefined;

  const lstat = (path: string): Promise<Stats | undefined> =>
    call<Stats>((done) => sftp.lstat(path, done)).catch((error: unknown) => {
      if (statusOf(error) === SFTP_STATUS.noSuchFile) return undefined;
      throw error;
    });

  const unlink = (path: string): Promise<void> => callVoid((done) => sftp.unlink(path, done));

  const session: SftpSession = {
    sftp,
    connectionId: held.id,
    get closed() {
      return closed;
    },
    alive,
    open: (path, flags) => call<Buffer>((done) => sftp.open(path, flags, { mode: 0o600 }, done)),
    close: (handle) => callVoid((done) => sftp.close(handle, done)),
    fstat: (handle) => call<Stats>((done) => sftp.fstat(handle, done)),
    stat: (path) => call<Stats>((done) => sftp.stat(path, done)),
    lstat,
    mkdir: (path, mode) => callVoid((done) => sftp.mkdir(path, mode === undefined ? {} : { mode }, done)),
    async mkdirp(path) {
      const missing: string[] = [];
      let at = path;
      for (;;) {
        const found = await call<Stats>((done) => sftp.stat(at, done)).catch((error: unknown) => {
          if (statusOf(error) === SFTP_STATUS.noSuchFile) return undefined;
          throw error;
        });
        if (found !== undefined) {
          if (!found.isDirectory()) throw Object.assign(new Error(`Not a directory: ${at}`), { notADirectory: at });
          break;
        }
        missing.push(at);
        const parent = remoteParent(at);
        if (parent === at) break;
        at = parent;
      }
      for (const dir of missing.reverse()) {
        await callVoid((done) => sftp.mkdir(dir, {}, done)).catch(async (error: unknown) => {
          // Made meanwhile by someone else: fine if it is a directory.
          const now = await lstat(dir).catch(() => undefined);
          if (now?.isDirectory() !== true) throw error;
        });
      }
    },
    readdir: (path) => call<FileEntryWithStats[]>((done) => sftp.readdir(path, done)),
    readlink: (path) => call<string>((done) => sftp.readlink(path, done)),
    symlink: (target, path) => callVoid((done) => sftp.symlink(target, path, done)),
    async rename(from, to, replace) {
      if (!replace) return callVoid((done) => sftp.rename(from, to, done));
      if (hasExtension('posix-rename@openssh.com')) return callVoid((done) => sftp.ext_openssh_rename(from, to, done));
      // No atomic replace on this server: remove what is there, then rename.
      try {
        await callVoid((done) => sftp.rename(from, to, done));
      } catch (error) {
        const there = await lstat(to);
        if (there === undefined) throw error;
        if (there.isDirectory()) await session.removeTree(to);
        else await unlink(to);
        await callVoid((done) => sftp.rename(from, to, done));
      }
    },
    unlink,
    async removeTree(path) {
      const found = await lstat(path);
      if (found === undefined) return;
      if (!found.isDirectory()) return unlink(path);
      const entries = await session.readdir(path);
      for (const entry of entries) {
        if (entry.filename === '.' || entry.filename === '..') continue;
        const child = remoteJoin(path, entry.filename);
        if (entry.attrs.isDirectory()) await session.removeTree(child);
        else await unlink(child);
      }
      await callVoid((done) => sftp.rmdir(path, done));
    },
    fchmod: (handle, mode) => callVoid((done) => sftp.fchmod(handle, mode, done)),
    chmod: (path, mode) => callVoid((done) => sftp.chmod(path, mode, done)),
    futimes: (handle, atime, mtime) => callVoid((done) => sftp.futimes(handle, atime, mtime, done)),
    utimes: (path, atime, mtime) => callVoid((done) => sftp.utimes(path, atime, mtime, done)),
    async space(path) {
      if (!hasExtension('statvfs@openssh.com')) return undefined;
      const info = await call<Record<string, number | bigint>>((done) => sftp.ext_openssh_statvfs(path, done)).catch(() => undefined);
      if (info === undefined) return undefined;
      const num = (value: number | bigint | undefined): number => (typeof value === 'bigint' ? Number(value) : (value ?? 0));
      return { available: num(info['f_bavail']) * num(info['f_frsize']), readOnly: (num(info['f_flag']) & ST_RDONLY) !== 0 };
    },
    end() {
      if (closed) return;
      try {
        sftp.end();
      } catch {
        // the channel is gone already
      }
      // The lease ends now, not when the server confirms the close: the transfer is over (sshd may count the
      // session a moment longer; a command refused meanwhile is retried, as after any command).
      onClosed();
    },
  };
  return session;
}
