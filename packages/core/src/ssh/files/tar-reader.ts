/**
 * Reads a tar archive as `tar -c` writes it on the remote host (GNU tar, bsdtar, busybox): ustar headers,
 * pax records (`path`, `linkpath`, `size`, `mtime`), GNU long names (`L`, `K`) and base-256 numbers. File
 * contents come out as they arrive, never buffered whole. A stream that ends before the archive does is an
 * error: a lost connection is never taken for a complete transfer.
 */

const BLOCK = 512;

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface ReadTarEntry {
  /** As written in the archive (`./a/b`, `a/b/`…): the caller checks and cleans it. */
  readonly path: string;
  readonly type: TarEntryType;
  readonly mode: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  readonly size: number;
  /** Symlinks: the target; hard links: the path of the entry it links to. */
  readonly linkTarget: string;
}

export type TarEvent =
  | { readonly kind: 'entry'; readonly entry: ReadTarEntry }
  | { readonly kind: 'data'; readonly data: Buffer }
  | { readonly kind: 'end' };

export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

function cString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

/** An octal field, or GNU base-256 (first byte's high bit set). */
function number(block: Buffer, start: number, length: number): number {
  const first = block[start] ?? 0;
  if ((first & 0x80) !== 0) {
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (block[i] ?? 0);
    return value;
  }
  const text = cString(block, start, length).trim();
  if (text === '') return 0;
  const value = Number.parseInt(text, 8);
  if (!Number.isFinite(value)) throw new TarFormatError(`bad number field in a tar header: ${JSON.stringify(text)}`);
  return value;
}

function checksumMatches(block: Buffer): boolean {
  let stored: number;
  try {
    stored = number(block, 148, 8);
  } catch {
    return false;
  }
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number.parseInt(data.subarray(at, space).toString('ascii'), 10);
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) throw new TarFormatError('bad pax record in the archive');
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
}

function typeOf(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
    case '':
      return 'file';
    case '5':
      return 'directory';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}

/** Byte queue over an async iterable of chunks. */
class Input {
  private readonly chunks: Buffer[] = [];
  private length = 0;
  private readonly iterator: AsyncIterator<Buffer | string>;
  private done = false;

  constructor(source: AsyncIterable<Buffer | string>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  get buffered(): number {
    return this.length;
  }

  /** Reads more; false at the end of the stream. */
  async more(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.iterator.next();
    if (next.done === true) {
      this.done = true;
      return false;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.length += chunk.length;
    }
    return true;
  }

  async need(count: number): Promise<boolean> {
    while (this.length < count) if (!(await this.more())) return false;
    return true;
  }

  /** Up to `count` bytes already buffered. */
  take(count: number): Buffer {
    const first = this.chunks[0];
    if (first === undefined) return Buffer.alloc(0);
    if (first.length <= count) {
      this.chunks.shift();
      this.length -= first.length;
      return first;
    }
    this.chunks[0] = first.subarray(count);
    this.length -= count;
    return first.subarray(0, count);
  }

  /** Exactly `count` bytes (they must be buffered). */
  takeExactly(count: number): Buffer {
    const parts: Buffer[] = [];
    let left = count;
    while (left > 0) {
      const part = this.take(left);
      if (part.length === 0) throw new TarFormatError('internal: not enough bytes buffered');
      parts.push(part);
      left -= part.length;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }

  async skip(count: number): Promise<boolean> {
    let left = count;
    while (left > 0) {
      if (this.length === 0 && !(await this.more())) return false;
      left -= this.take(left).length;
    }
    return true;
  }

  /** Stops reading the source (the consumer gave up). */
  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}

const truncated = (): TarFormatError => new TarFormatError('the archive ended early (the stream was cut before its end)');

/** The entries of the archive read from `source`, with each file's contents as `data` events then `end`. */
export async function* readTar(source: AsyncIterable<Buffer | string>): AsyncGenerator<TarEvent> {
  const input = new Input(source);
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    for (;;) {
      if (!(await input.need(BLOCK))) throw truncated();
      const block = input.takeExactly(BLOCK);
      if (block.every((byte) => byte === 0)) {
        // The end of the archive: what follows is padding up to tar's record size. Read to the end of the
        // stream, so the remote tar's exit status still arrives on its channel.
        while (await input.more()) input.take(input.buffered);
        return;
      }
      if (!checksumMatches(block)) throw new TarFormatError('bad checksum in a tar header: the stream is not a tar archive, or it is corrupt');
      const flag = String.fromCharCode(block[156] ?? 0);
      const size = number(block, 124, 12);
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        if (!(await input.need(padded))) throw truncated();
        const data = input.takeExactly(padded).subarray(0, size);
        if (flag === 'x') pax = parsePax(data);
        else if (flag === 'L') longName = cString(data, 0, data.length);
        else if (flag === 'K') longLink = cString(data, 0, data.length);
        continue;
      }
      const magic = block.subarray(257, 262).toString('ascii');
      const prefix = magic === 'ustar' ? cString(block, 345, 155) : '';
      const name = cString(block, 0, 100);
      const path = pax.get('path') ?? longName ?? (prefix === '' ? name : `${prefix}/${name}`);
      const linkTarget = pax.get('linkpath') ?? longLink ?? cString(block, 157, 100);
      const paxSize = pax.get('size');
      const realSize = paxSize === undefined ? size : Number(paxSize);
      const paxMtime = pax.get('mtime');
      const mtime = paxMtime === undefined ? number(block, 136, 12) : Math.floor(Number(paxMtime));
      let type = typeOf(flag);
      // Old archives mark directories with a trailing slash on a regular-file entry.
      if (type === 'file' && path.endsWith('/')) type = 'directory';
      pax = new Map();
      longName = undefined;
      longLink = undefined;
      const entry: ReadTarEntry = { path, type, mode: number(block, 100, 8) & 0o7777, mtime, size: type === 'file' ? realSize : 0, linkTarget };
      yield { kind: 'entry', entry };
      const dataSize = type === 'file' || type === 'other' ? realSize : 0;
      if (type === 'file') {
        let left = dataSize;
        while (left > 0) {
          if (input.buffered === 0 && !(await input.more())) throw truncated();
          const data = input.take(left);
          left -= data.length;
          yield { kind: 'data', data };
        }
        yield { kind: 'end' };
      } else if (dataSize > 0 && !(await input.skip(dataSize))) {
        throw truncated();
      }
      const rest = (BLOCK - (dataSize % BLOCK)) % BLOCK;
      if (rest > 0 && !(await input.skip(rest))) throw truncated();
    }
  } finally {
    await input.close();
  }
}
