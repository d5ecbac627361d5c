import { describe, expect, it } from 'vitest';
import { ProcessOutput, type ProcessOutputInit } from './process-output.js';

const make = (init: Partial<ProcessOutputInit>): ProcessOutput =>
  new ProcessOutput({ stdout: '', stderr: '', exitCode: 0, signal: null, duration: 3, command: 'cmd', target: 'local', ...init });

describe('ProcessOutput', () => {
  it('is ok only for exit 0 with no signal, timeout, abort or overflow', () => {
    expect(make({}).ok).toBe(true);
    expect(make({ exitCode: 1 }).ok).toBe(false);
    expect(make({ signal: 'SIGTERM' }).ok).toBe(false);
    expect(make({ timedOut: true }).ok).toBe(false);
    expect(make({ isCanceled: true }).ok).toBe(false);
    expect(make({ isMaxBuffer: true }).ok).toBe(false);
  });

  it('toString() is trimmed stdout, text() is stdout as printed', () => {
    const out = make({ stdout: '  a b \n' });
    expect(out.toString()).toBe('a b');
    expect(String(out)).toBe('a b');
    expect(out.text()).toBe('  a b \n');
  });

  it('buffer() gives the adapter\'s bytes (a copy), or stdout as UTF-8 when the adapter kept none', () => {
    const bytes = Buffer.from([0xff, 0xfe]);
    const out = make({ stdout: '\ufffd\ufffd', stdoutBytes: bytes });
    expect([...out.buffer()]).toEqual([0xff, 0xfe]);
    out.buffer()[0] = 0;
    expect(bytes[0]).toBe(0xff);
    expect(make({ stdout: 'é' }).buffer()).toEqual(Buffer.from('é'));
  });

  it('lines() splits on \\n and \\r\\n without a trailing empty line', () => {
    expect(make({ stdout: 'a\r\nb\n\nc\n' }).lines()).toEqual(['a', 'b', '', 'c']);
    expect(make({ stdout: '' }).lines()).toEqual([]);
    expect(make({ stdout: 'no newline' }).lines()).toEqual(['no newline']);
  });

  it('json() parses stdout, or throws a SyntaxError naming the command', () => {
    expect(make({ stdout: '[1,{"a":null}]\n' }).json()).toEqual([1, { a: null }]);
    const bad = make({ stdout: 'not json', command: 'cat config' });
    expect(() => bad.json()).toThrow(SyntaxError);
    expect(() => bad.json()).toThrow(/`cat config` is not valid JSON.*"not json"/);
  });

  it('from() wraps an adapter result with the command and target', () => {
    const out = ProcessOutput.from(
      { stdout: 'x', stderr: 'y', exitCode: 137, signal: 'SIGKILL', timedOut: true, isCanceled: false, isMaxBuffer: false, duration: 9 },
      { command: 'sleep ***', target: 'me@h:22' },
    );
    expect(out).toMatchObject({ exitCode: 137, signal: 'SIGKILL', timedOut: true, command: 'sleep ***', target: 'me@h:22', ok: false });
  });
});
