import { createLineSplitter, type LineSplitter } from './line-splitter.js';

export interface OutputCollector {
  /** Keeps bytes up to `maxBuffer`; the first byte past it calls `onOverflow` once, later bytes are dropped. */
  write(chunk: Buffer): void;
  /** The stream ended: emits a last unterminated line (not after an overflow, where it would be cut). Later writes and ends are ignored. */
  end(): void;
  readonly overflowed: boolean;
  /** The kept bytes, exactly as the command printed them. */
  bytes(): Buffer;
  /** The kept bytes as UTF-8. */
  text(): string;
}

export interface OutputCollectorOptions {
  readonly maxBuffer: number;
  readonly onLine: ((line: string) => void) | undefined;
  readonly onOverflow: () => void;
  /**
   * False when the stream goes somewhere else (piped into another command): lines are still split, but no
   * byte is kept and `maxBuffer` does not apply.
   */
  readonly keep?: boolean | undefined;
}

/**
 * Buffers one output stream of a command (local, ControlMaster or ssh2 channel), bounded by `maxBuffer`, optionally splitting it into lines. */
export function createOutputCollector({ maxBuffer, onLine, onOverflow, keep = true }: OutputCollectorOptions): OutputCollector {
  const chunks: Buffer[] = [];
  let joined: Buffer | undefined;
  const splitter: LineSplitter | undefined = onLine === undefined ? undefined : createLineSplitter(onLine);
  let size = 0;
  let overflowed = false;
  let ended = false;
  return {
    write(chunk) {
      if (overflowed || ended) return;
      if (!keep) return void splitter?.write(chunk);
      const room = maxBuffer - size;
      const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
      if (kept.length > 0) {
        chunks.push(kept);
        size += kept.length;
        splitter?.write(kept);
      }
      if (kept.length < chunk.length) {
        overflowed = true;
        onOverflow();
      }
    },
    end() {
      if (ended) return;
      ended = true;
      if (!overflowed) splitter?.end();
    },
    get overflowed() {
      return overflowed;
    },
    bytes() {
      // Most commands print nothing or one chunk: hand that chunk out without copying it.
      if (chunks.length <= 1) return chunks[0] ?? EMPTY;
      joined ??= Buffer.concat(chunks, size);
      return joined;
    },
    text() {
      return this.bytes().toString('utf8');
    },
  };
}

const EMPTY = Buffer.alloc(0);
