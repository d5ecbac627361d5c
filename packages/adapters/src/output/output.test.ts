import { describe, expect, it } from 'vitest';
import { createLineSplitter } from './line-splitter.js';
import { armKillTriggers, createCommandStreams } from './command-streams.js';
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

  it('bytes() are the kept bytes exactly (one chunk handed out as it is, several joined once); text() decodes them', () => {
    const one = createOutputCollector({ maxBuffer: 100, onLine: undefined, onOverflow: () => undefined });
    const chunk = Buffer.from([0xff, 0xfe, 0x41]);
    one.write(chunk);
    expect(one.bytes()).toBe(chunk);
    expect(one.text()).toBe('\ufffd\ufffdA');
    const many = createOutputCollector({ maxBuffer: 4, onLine: undefined, onOverflow: () => undefined });
    many.write(Buffer.from([1, 2]));
    many.write(Buffer.from([3, 4, 5]));
    expect([...many.bytes()]).toEqual([1, 2, 3, 4]);
    expect(many.bytes()).toBe(many.bytes());
    expect(createOutputCollector({ maxBuffer: 1, onLine: undefined, onOverflow: () => undefined }).bytes().length).toBe(0);
  });

  it('with keep: false (stdout piped elsewhere) keeps nothing and never overflows, but still splits lines', () => {
    const lines: string[] = [];
    let overflows = 0;
    const piped = createOutputCollector({ maxBuffer: 2, onLine: (line) => lines.push(line), onOverflow: () => (overflows += 1), keep: false });
    piped.write(Buffer.from('first line\nsecond'));
    piped.end();
    expect([piped.text(), piped.overflowed, overflows, lines]).toEqual(['', false, 0, ['first line', 'second']]);
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

describe('createCommandStreams and armKillTriggers', () => {
  it('a throwing line callback kills once with "callback", later lines are dropped, and its error is kept', () => {
    const kills: string[] = [];
    const boom = new Error('listener failed');
    const seen: string[] = [];
    const streams = createCommandStreams(
      { onStdoutLine: (line) => { seen.push(line); if (line === 'b') throw boom; } },
      100,
      (reason) => kills.push(reason),
    );
    streams.stdout.write(Buffer.from('a\nb\nc\n'));
    expect(seen).toEqual(['a', 'b']);
    expect(kills).toEqual(['callback']);
    expect(streams.callbackFailure()).toEqual({ error: boom });
    streams.stderr.write(Buffer.from('x'.repeat(101)));
    expect(kills).toEqual(['callback', 'maxBuffer']);
  });

  it('kills with "timeout" after the timeout, with "abort" on abort (at once when already aborted), and disarms', async () => {
    const kills: string[] = [];
    const controller = new AbortController();
    const disarm = armKillTriggers({ timeout: 20, signal: controller.signal }, (reason) => kills.push(reason));
    await new Promise((resolve) => setTimeout(resolve, 60));
    controller.abort();
    expect(kills).toEqual(['timeout', 'abort']);
    disarm();
    armKillTriggers({ signal: AbortSignal.abort() }, (reason) => kills.push(reason));
    expect(kills).toEqual(['timeout', 'abort', 'abort']);
    const later = new AbortController();
    armKillTriggers({ timeout: 10, signal: later.signal }, (reason) => kills.push(reason))();
    later.abort();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(kills).toEqual(['timeout', 'abort', 'abort']);
  });
});
