import { StringDecoder } from 'node:string_decoder';

export interface LineSplitter {
  /** Feeds bytes; calls the listener once per complete line (without `\n` or a trailing `\r`). */
  write(chunk: Buffer): void;
  /** Emits the last line when the output did not end with a newline. */
  end(): void;
}

/** Splits a byte stream into UTF-8 lines, safe across chunk boundaries inside a multi-byte character. */
export function createLineSplitter(onLine: (line: string) => void): LineSplitter {
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
    write(chunk) {
      emit(decoder.write(chunk));
    },
    end() {
      emit(decoder.end());
      if (pending !== '') {
        const last = pending;
        pending = '';
        onLine(stripCr(last));
      }
    },
  };
}
