import { PGID_MARKER } from './command-wrapper.js';

/** Bytes of stderr searched for the marker line before giving up (login-shell noise may come first). */
const SEARCH_LIMIT = 8192;
const MARKER = Buffer.from(PGID_MARKER, 'latin1');
const EMPTY = Buffer.alloc(0);

/** Whether the line `buffer[start, end)` begins with the marker (compared as bytes: no string per line). */
function startsWithMarker(buffer: Buffer, start: number, end: number): boolean {
  return end - start > MARKER.length && buffer.compare(MARKER, 0, MARKER.length, start, start + MARKER.length) === 0;
}

/** The number written in ASCII digits in `buffer[start, end)`, or -1 if that is not only digits (read as bytes: no string per command). */
function digitsAt(buffer: Buffer, start: number, end: number): number {
  if (end - start > 15) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = (buffer[i] as number) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

export interface PgidFilter {
  write(chunk: Buffer): void;
  /** Flushes what is still held back. */
  end(): void;
}

/**
 * Takes the `rexec:pgid=N` line out of a remote command's stderr and reports N. Everything else passes
 * through unchanged and in order. If the marker does not show within the first 8 KiB (a non-POSIX login
 * shell), the held bytes pass through and no id is reported.
 */
export function createPgidFilter(onPgid: (pgid: number) => void, passThrough: (chunk: Buffer) => void): PgidFilter {
  let held: Buffer | undefined = EMPTY;
  const flush = (): void => {
    if (held !== undefined && held.length > 0) passThrough(held);
    held = undefined;
  };
  return {
    write(chunk) {
      if (held === undefined) return passThrough(chunk);
      // The marker usually arrives alone in the first chunk: hold that chunk as it is, copy only to join.
      held = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
      let start = 0;
      for (let newline = held.indexOf(10); newline !== -1; newline = held.indexOf(10, start)) {
        const pgid = startsWithMarker(held, start, newline) ? digitsAt(held, start + MARKER.length, newline) : -1;
        if (pgid >= 0) {
          const before = held.subarray(0, start);
          const after = held.subarray(newline + 1);
          held = undefined;
          if (before.length > 0) passThrough(before);
          onPgid(pgid);
          if (after.length > 0) passThrough(after);
          return;
        }
        start = newline + 1;
      }
      if (held.length > SEARCH_LIMIT) flush();
    },
    end: flush,
  };
}
