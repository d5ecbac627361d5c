/**
 * Writes a tar archive (POSIX ustar, with pax records for what ustar cannot hold: long or non-ASCII names
 * and link targets, sizes of 8 GiB and more) from a list of entries, as a stream of Buffers. GNU tar, bsdtar
 * and busybox tar read it. Only what a transfer needs: directories, regular files, symlinks.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

const BLOCK = 512;
/** The largest size the 12-byte octal field holds (8 GiB - 1); above it a pax `size` record. */
const MAX_OCTAL_SIZE = 0o77777777777;

export interface TarEntry {
  /** Relative path with `/` separators; `''` for the archive's root directory (written as `./`). */
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink';
  readonly mode: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  /** Files: bytes. */
  readonly size: number;
  /** Symlinks: the link's target, as it is. */
  readonly linkTarget?: string | undefined;
  /** Files: where the contents are read from. */
  readonly source?: string | undefined;
}

/** One pax record: `"<length> key=value\n"`, where length counts the whole record, its own digits included. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  const digits = String(bodyLength).length;
  let length = bodyLength + digits;
  if (String(length).length !== digits) length = bodyLength + String(length).length;
  return `${length}${body}`;
}

const PLAIN = /^[\x20-\x7e]*$/;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(fields: { name: string; mode: number; size: number; mtime: number; type: string; linkname?: string }): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(fields.name, 0, 100, 'utf8');
  block.write(octal(fields.mode & 0o7777, 8), 100, 8, 'ascii');
  block.write(octal(0, 8), 108, 8, 'ascii'); // uid
  block.write(octal(0, 8), 116, 8, 'ascii'); // gid
  block.write(octal(Math.min(fields.size, MAX_OCTAL_SIZE), 12), 124, 12, 'ascii');
  block.write(octal(Math.max(0, Math.min(Math.floor(fields.mtime), 0o77777777777)), 12), 136, 12, 'ascii');
  block.write('        ', 148, 8, 'ascii'); // checksum, counted as spaces
  block.write(fields.type, 156, 1, 'ascii');
  if (fields.linkname !== undefined) block.write(fields.linkname, 157, 100, 'utf8');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** The header blocks of one entry (a pax header first when needed). */
export function entryHeader(entry: TarEntry): Buffer {
  const name = entry.path === '' ? './' : entry.type === 'directory' ? `${entry.path}/` : entry.path;
  const records: string[] = [];
  const fitsName = PLAIN.test(name) && Buffer.byteLength(name) <= 100;
  if (!fitsName) records.push(paxRecord('path', name));
  const link = entry.linkTarget;
  const fitsLink = link === undefined || (PLAIN.test(link) && Buffer.byteLength(link) <= 100);
  if (!fitsLink && link !== undefined) records.push(paxRecord('linkpath', link));
  const size = entry.type === 'file' ? entry.size : 0;
  if (size > MAX_OCTAL_SIZE) records.push(paxRecord('size', String(size)));
  const main = header({
    name: fitsName ? name : 'rexec-long-name',
    mode: entry.mode,
    size,
    mtime: entry.mtime,
    type: entry.type === 'file' ? '0' : entry.type === 'directory' ? '5' : '2',
    ...(link === undefined ? {} : { linkname: fitsLink ? link : 'rexec-long-link' }),
  });
  if (records.length === 0) return main;
  const pax = Buffer.from(records.join(''), 'utf8');
  const paxHeader = header({ name: 'PaxHeader', mode: 0o644, size: pax.length, mtime: entry.mtime, type: 'x' });
  return Buffer.concat([paxHeader, pax, padding(pax.length), main]);
}

export interface TarWriteHooks {
  /** Called with each piece of file contents as it goes out. */
  readonly onData?: ((entry: TarEntry, data: Buffer) => void) | undefined;
  /** Called once a file's contents went out whole. */
  readonly onFile?: ((entry: TarEntry) => void) | undefined;
}

/** Files up to this size are read whole, several ahead of the one going out. */
const SMALL_FILE = 64 * 1024;
const READ_AHEAD = 16;
/** Headers and small files are sent in pieces of about this size, not one channel write (SSH packet) each. */
const BATCH = 256 * 1024;

const changedSize = (entry: TarEntry, sent: number): Error =>
  Object.assign(new Error(`${entry.source ?? entry.path} changed size while it was read (${entry.size} → ${sent} bytes)`), { path: entry.source });

/** A small file's first `size` bytes (fewer when it shrank). */
async function readSmall(entry: TarEntry): Promise<Buffer> {
  const file = await open(entry.source ?? '', 'r');
  try {
    const data = Buffer.allocUnsafe(entry.size);
    let filled = 0;
    for (let read = -1; read !== 0 && filled < entry.size; filled += read) read = (await file.read(data, filled, entry.size - filled, filled)).bytesRead;
    return data.subarray(0, filled);
  } finally {
    await file.close();
  }
}

/**
 * The archive of `entries`, in order, ending with the two zero blocks. A file whose size changed while it was
 * read fails the stream (the archive would be corrupt).
 *
 * A tree of many small files is bound by the reads, one open-read-close after the other, and by one SSH packet
 * per header and per file: small files are read READ_AHEAD at a time ahead of the stream, and what goes out is
 * joined into pieces of about BATCH bytes (large files' chunks go as they are).
 */
export async function* tarStream(entries: Iterable<TarEntry>, hooks: TarWriteHooks = {}): AsyncGenerator<Buffer> {
  const list = [...entries];
  const isSmall = (entry: TarEntry | undefined): boolean => entry !== undefined && entry.type === 'file' && entry.size > 0 && entry.size <= SMALL_FILE;
  const ahead = new Map<number, Promise<Buffer>>();
  let nextAhead = 0;
  const readAhead = (from: number): void => {
    nextAhead = Math.max(nextAhead, from);
    while (nextAhead < list.length && ahead.size < READ_AHEAD) {
      const entry = list[nextAhead];
      if (isSmall(entry) && entry !== undefined) {
        const reading = readSmall(entry);
        // Awaited in order below; one left behind when the stream stops early must not be an unhandled rejection.
        reading.catch(() => undefined);
        ahead.set(nextAhead, reading);
      }
      nextAhead++;
    }
  };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const add = (data: Buffer): void => {
    pending.push(data);
    pendingBytes += data.length;
  };
  const take = (): Buffer => {
    const joined = pending.length === 1 ? (pending[0] ?? Buffer.alloc(0)) : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return joined;
  };
  for (let index = 0; index < list.length; index++) {
    const entry = list[index];
    if (entry === undefined) continue;
    readAhead(index);
    add(entryHeader(entry));
    if (entry.type !== 'file' || entry.size === 0) {
      if (entry.type === 'file') hooks.onFile?.(entry);
    } else if (entry.source === undefined) throw new Error(`tar entry ${entry.path} has no source`);
    else if (isSmall(entry)) {
      const data = await (ahead.get(index) ?? readSmall(entry));
      ahead.delete(index);
      readAhead(index + 1);
      if (data.length !== entry.size) throw changedSize(entry, data.length);
      hooks.onData?.(entry, data);
      add(data);
      add(padding(entry.size));
      hooks.onFile?.(entry);
    } else {
      let sent = 0;
      for await (const chunk of createReadStream(entry.source, { highWaterMark: 256 * 1024, end: entry.size - 1 })) {
        const data = chunk as Buffer;
        sent += data.length;
        hooks.onData?.(entry, data);
        if (pendingBytes > 0) yield take();
        yield data;
      }
      if (sent !== entry.size) throw changedSize(entry, sent);
      add(padding(entry.size));
      hooks.onFile?.(entry);
    }
    if (pendingBytes >= BATCH) yield take();
  }
  add(Buffer.alloc(2 * BLOCK));
  yield take();
}
