import { describe, expect, it } from 'vitest';
import { createLineSplitter } from './line-splitter.js';
import { createOutputCollector } from './output-collector.js';

function split(chunks: Buffer[]): string[] {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  return lines;
}

describe('createLineSplitter', () => {
  it('splits on \\n, drops a trailing \\r, and emits a last unterminated line', () => {
    expect(split([Buffer.from('a\nb\r\n\nc')])).toEqual(['a', 'b', '', 'c']);
  });

  it('joins lines cut across chunks, including inside a multi-byte character', () => {
    const bytes = Buffer.from('hé\nwörld\n');
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    expect(split(chunks)).toEqual(['hé', 'wörld']);
  });

  it('emits nothing for empty output', () => {
    expect(split([])).toEqual([]);
  });
});

describe('createOutputCollector', () => {
  it('keeps exactly maxBuffer bytes, calls onOverflow once, and does not emit the cut line', () => {
    let overflows = 0;
    const lines: string[] = [];
    const collector = createOutputCollector({ maxBuffer: 5, onLine: (l) => lines.push(l), onOverflow: () => overflows++ });
    collector.write(Buffer.from('ab\ncdef'));
    collector.write(Buffer.from('more'));
    collector.end();
    expect(collector.text()).toBe('ab\ncd');
    expect(collector.overflowed).toBe(true);
    expect(overflows).toBe(1);
    expect(lines).toEqual(['ab']);
  });

  it('does not overflow at exactly maxBuffer', () => {
    const collector = createOutputCollector({ maxBuffer: 3, onLine: undefined, onOverflow: () => undefined });
    collector.write(Buffer.from('abc'));
    collector.end();
    expect(collector.overflowed).toBe(false);
    expect(collector.text()).toBe('abc');
  });

  it('ignores writes and a second end after the stream ended', () => {
    const lines: string[] = [];
    const collector = createOutputCollector({ maxBuffer: 100, onLine: (l) => lines.push(l), onOverflow: () => undefined });
    collector.write(Buffer.from('a\nb'));
    collector.end();
    collector.write(Buffer.from('late\n'));
    collector.end();
    expect(lines).toEqual(['a', 'b']);
    expect(collector.text()).toBe('a\nb');
  });
});
