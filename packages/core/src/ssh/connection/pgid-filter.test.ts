import { describe, expect, it } from 'vitest';
import { createPgidFilter } from './pgid-filter.js';

function collect(chunks: string[]): { pgids: number[]; passed: string } {
  const pgids: number[] = [];
  let passed = '';
  const filter = createPgidFilter((id) => pgids.push(id), (chunk) => (passed += chunk.toString('utf8')));
  for (const chunk of chunks) filter.write(Buffer.from(chunk, 'utf8'));
  filter.end();
  return { pgids, passed };
}

describe('createPgidFilter', () => {
  it('takes the marker line out and passes the rest', () => {
    expect(collect(['rexec:pgid=4242\nreal error\n'])).toEqual({ pgids: [4242], passed: 'real error\n' });
  });

  it('finds a marker split across chunks', () => {
    expect(collect(['rexec:pg', 'id=7', '\nrest'])).toEqual({ pgids: [7], passed: 'rest' });
  });

  it('keeps login-shell noise before the marker, in order', () => {
    expect(collect(['motd line\n', 'rexec:pgid=9\n', 'after\n'])).toEqual({ pgids: [9], passed: 'motd line\nafter\n' });
  });

  it('only takes the first marker; a later identical line is output', () => {
    expect(collect(['rexec:pgid=1\nrexec:pgid=2\n'])).toEqual({ pgids: [1], passed: 'rexec:pgid=2\n' });
  });

  it('passes everything through when no marker shows in the first 8 KiB, or the stream ends first', () => {
    const noise = 'x'.repeat(9000);
    expect(collect([noise, '\nrexec:pgid=3\n'])).toEqual({ pgids: [], passed: `${noise}\nrexec:pgid=3\n` });
    expect(collect(['partial'])).toEqual({ pgids: [], passed: 'partial' });
    expect(collect(['rexec:pgid=abc\n'])).toEqual({ pgids: [], passed: 'rexec:pgid=abc\n' });
  });
});
