import { StringDecoder } from 'node:string_decoder';

/**
 * One output stream of a remote command, bounded by `maxBuffer` and optionally split into lines.
 * Same semantics as the LocalAdapter's collector (@rexec/adapters keeps its copy internal): lines are
 * UTF-8, without `\n` or a trailing `\r`; the last unterminated line is emitted at the end unless output was cut.
 */
export interface OutputCollector {
  /** Keeps bytes up to `maxBuffer`; the first byte past it calls `onOverflow` once, later bytes are dropped. */
  write(chunk: Buffer): void;
  end(): void;
  readonly overflowed: boolean;
  text(): string;
}

export interface OutputCollectorOptions {
  readonly maxBuffer: number;
  readonly onLine: ((line: string) => void) | undefined;
  readonly onOverflow: () => void;
}

export function createOutputCollector({ maxBuffer, onLine, onOverflow }: OutputCollectorOptions): OutputCollector {
  const chunks: Buffer[] = [];
  const splitter = onLine === undefined ? undefined : createLineSplitter(onLine);
  let size = 0;
  let overflowed = false;
  let ended = false;
  return {
    write(chunk) {
      if (overflowed || ended) return;
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
    text() {
      return Buffer.concat(chunks, size).toString('utf8');
    },
  };
}

interface LineSplitter {
  write(chunk: Buffer): void;
  end(): void;
}

function createLineSplitter(onLine: (line: string) => void): LineSplitter {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
  const emit = (text: string): void => {
    if (!text.includes('\n')) {
      pending += text;
      return;
    }
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(stripCr(line));
  };
  return {
    write: (chunk) => emit(decoder.write(chunk)),
    end() {
      emit(decoder.end());
      if (pending === '') return;
      const last = pending;
      pending = '';
      onLine(stripCr(last));
    },
  };
}
