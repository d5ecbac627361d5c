import { describe, expect, it } from 'vitest';
import { createOutputCollector } from './output-collector.js';

describe('createOutputCollector', () => {
  it('splits UTF-8 lines across chunk boundaries, strips \\r, and emits the last unterminated line', () => {
    const lines: string[] = [];
    const euro = Buffer.from('€');
    const collector = createOutputCollector({ maxBuffer: 1000, onLine: (line) => lines.push(line), onOverflow: () => undefined });
    collector.write(Buffer.concat([Buffer.from('a\r\nb'), euro.subarray(0, 1)]));
    collector.write(Buffer.concat([euro.subarray(1), Buffer.from('\nlast')]));
    collector.end();
    expect(lines).toEqual(['a', 'b€', 'last']);
    expect(collector.text()).toBe('a\r\nb€\nlast');
  });

  it('keeps the head up to maxBuffer, signals overflow once, and drops the cut line', () => {
    const lines: string[] = [];
    let overflows = 0;
    const collector = createOutputCollector({ maxBuffer: 5, onLine: (line) => lines.push(line), onOverflow: () => overflows++ });
    collector.write(Buffer.from('ab\ncdef'));
    collector.write(Buffer.from('more'));
    collector.end();
    expect(collector.text()).toBe('ab\ncd');
    expect(collector.overflowed).toBe(true);
    expect(overflows).toBe(1);
    expect(lines).toEqual(['ab']);
  });
});
