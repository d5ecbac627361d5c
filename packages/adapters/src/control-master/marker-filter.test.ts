import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMarkerFilter } from './marker-filter.js';

const NONCE = 'rexec-0123456789abcdef01234567';

function run(chunks: readonly Buffer[]) {
  const out: Buffer[] = [];
  const pids: number[] = [];
  const filter = createMarkerFilter(NONCE, (chunk) => out.push(chunk), (pid) => pids.push(pid));
  for (const chunk of chunks) filter.write(chunk);
  filter.end();
  return { text: Buffer.concat(out).toString('utf8'), report: filter.report, pids };
}

describe('createMarkerFilter', () => {
  it('removes the pid, normal and exit markers and reports them', () => {
    const stderr = `${NONCE}:pid:4242\nboom\n${NONCE}:normal\n${NONCE}:exit:3:\n`;
    const { text, report, pids } = run([Buffer.from(stderr)]);
    expect(text).toBe('boom\n');
    expect(report).toEqual({ pid: 4242, normal: true, exit: { status: 3, signalName: '' } });
    expect(pids).toEqual([4242]);
  });

  it('finds a marker glued to an unterminated line of the command', () => {
    const { text, report } = run([Buffer.from(`${NONCE}:pid:7\nno newline${NONCE}:exit:143:TERM\n`)]);
    expect(text).toBe('no newline');
    expect(report.exit).toEqual({ status: 143, signalName: 'TERM' });
    expect(report.normal).toBe(false);
  });

  it('keeps bytes that only look like part of a marker', () => {
    const { text } = run([Buffer.from(`${NONCE.slice(0, 10)} and rexec-other:pid:1\n`)]);
    expect(text).toBe(`${NONCE.slice(0, 10)} and rexec-other:pid:1\n`);
  });

  it('passes the command bytes through unchanged however the stream is cut (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(240), { maxLength: 8 }), fc.nat(5000), (bytes, cuts, pid) => {
        const user = Buffer.from(bytes);
        const half = Math.floor(user.length / 2);
        const stream = Buffer.concat([
          Buffer.from(`${NONCE}:pid:${pid}\n`),
          user.subarray(0, half),
          Buffer.from(`${NONCE}:normal\n`),
          user.subarray(half),
          Buffer.from(`${NONCE}:exit:0:\n`),
        ]);
        const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let from = 0;
        for (const point of points) {
          chunks.push(stream.subarray(from, point));
          from = point;
        }
        chunks.push(stream.subarray(from));
        const { report, pids } = run(chunks);
        const out: Buffer[] = [];
        const again = createMarkerFilter(NONCE, (chunk) => out.push(chunk));
        for (const chunk of chunks) again.write(chunk);
        again.end();
        expect(Buffer.concat(out).equals(user)).toBe(true);
        expect(report).toEqual({ pid, normal: true, exit: { status: 0, signalName: '' } });
        expect(pids).toEqual([pid]);
      }),
      { numRuns: 500 },
    );
  });
});
