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
  return new Collector(maxBuffer, onLine === undefined ? undefined : createLineSplitter(onLine), onOverflow, keep);
}

// A class, not an object literal of closures: two of these are made for every command, and a remote
// command's CPU is mostly such per-command work (docs/performance.md).
class Collector implements OutputCollector {
  /** The first chunk kept; later ones go to `more` (most commands print nothing or one chunk). */
  #first: Buffer | undefined;
  #more: Buffer[] | undefined;
  #joined: Buffer | undefined;
  #size = 0;
  #overflowed = false;
  #ended = false;

  readonly #maxBuffer: number;
  readonly #splitter: LineSplitter | undefined;
  readonly #onOverflow: () => void;
  readonly #keep: boolean;

  constructor(maxBuffer: number, splitter: LineSplitter | undefined, onOverflow: () => void, keep: boolean) {
    this.#maxBuffer = maxBuffer;
    this.#splitter = splitter;
    this.#onOverflow = onOverflow;
    this.#keep = keep;
  }

  write(chunk: Buffer): void {
    if (this.#overflowed || this.#ended) return;
    if (!this.#keep) return void this.#splitter?.write(chunk);
    const room = this.#maxBuffer - this.#size;
    const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
    if (kept.length > 0) {
      if (this.#first === undefined) this.#first = kept;
      else (this.#more ??= []).push(kept);
      this.#size += kept.length;
      this.#splitter?.write(kept);
    }
    if (kept.length < chunk.length) {
      this.#overflowed = true;
      this.#onOverflow();
    }
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (!this.#overflowed) this.#splitter?.end();
  }

  get overflowed(): boolean {
    return this.#overflowed;
  }

  bytes(): Buffer {
    // Nothing or one chunk: hand that chunk out without copying it.
    if (this.#more === undefined) return this.#first ?? EMPTY;
    this.#joined ??= Buffer.concat([this.#first ?? EMPTY, ...this.#more], this.#size);
    return this.#joined;
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}

const EMPTY = Buffer.alloc(0);
