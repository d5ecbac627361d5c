import { PGID_MARKER } from './command-wrapper.js';

/** Bytes of stderr searched for the marker line before giving up (login-shell noise may come first). */
const SEARCH_LIMIT = 8192;

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
  let held: Buffer | undefined = Buffer.alloc(0);
  const flush = (): void => {
    if (held !== undefined && held.length > 0) passThrough(held);
    held = undefined;
  };
  return {
    write(chunk) {
      if (held === undefined) return passThrough(chunk);
      held = Buffer.concat([held, chunk]);
      let start = 0;
      for (let newline = held.indexOf(10); newline !== -1; newline = held.indexOf(10, start)) {
        const line = held.subarray(start, newline).toString('latin1');
        if (line.startsWith(PGID_MARKER) && /^\d+$/.test(line.slice(PGID_MARKER.length))) {
          const before = held.subarray(0, start);
          const after = held.subarray(newline + 1);
          held = undefined;
          if (before.length > 0) passThrough(before);
          onPgid(Number(line.slice(PGID_MARKER.length)));
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
