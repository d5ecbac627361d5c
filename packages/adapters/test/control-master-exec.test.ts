import { Readable } from 'node:stream';
import { testHost } from '@rexec/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ControlMasterAdapter } from '../src/index.js';
import { createSocketDir, harnessOptions } from './control-master-helpers.js';

const host = testHost();
const sockets = createSocketDir();
const adapter = new ControlMasterAdapter(harnessOptions(host, sockets.dir));
afterAll(async () => {
  await adapter.dispose();
  sockets.cleanup();
});

describe('ControlMasterAdapter: commands over the harness host', () => {
  it('runs a command and reports stdout, stderr and the exit code', async () => {
    const result = await adapter.exec({ command: 'echo out; echo err >&2; exit 3' });
    expect(result).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, signal: null, timedOut: false, isCanceled: false });
    expect(adapter.target).toBe(`${host.username}@127.0.0.1:${host.port}`);
  });

  it('reports 128 + n and the signal name when the command is killed', async () => {
    expect(await adapter.exec({ command: 'kill -TERM $$' })).toMatchObject({ exitCode: 143, signal: 'SIGTERM', stderr: '' });
    expect(await adapter.exec({ command: 'kill -KILL $$' })).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
    expect(await adapter.exec({ command: 'kill -INT $$' })).toMatchObject({ exitCode: 130, signal: 'SIGINT' });
  });

  it('keeps an exit status above 128 an exit, not a signal', async () => {
    expect(await adapter.exec({ command: 'exit 143' })).toMatchObject({ exitCode: 143, signal: null });
    expect(await adapter.exec({ command: 'exit 255' })).toMatchObject({ exitCode: 255, signal: null });
  });

  it('forwards stdin as a string, a Buffer or a stream; without it stdin is empty', async () => {
    expect((await adapter.exec({ command: 'cat', stdin: 'a\nb' })).stdout).toBe('a\nb');
    expect((await adapter.exec({ command: 'wc -c', stdin: Buffer.alloc(70_000, 120) })).stdout.trim()).toBe('70000');
    expect((await adapter.exec({ command: 'cat', stdin: Readable.from(['x', 'y']) })).stdout).toBe('xy');
    expect((await adapter.exec({ command: 'cat' })).stdout).toBe('');
  });

  it('applies cwd and env inside the command, whatever they hold', async () => {
    const value = `it's "quoted" $HOME \`date\` ; rm -rf /nonexistent\nsecond line`;
    const result = await adapter.exec({ command: 'pwd; printf %s "$REXEC_VALUE"', cwd: '/tmp', env: { REXEC_VALUE: value } });
    expect(result.stdout).toBe(`/tmp\n${value}`);
  });

  it('names a cwd that does not exist', async () => {
    const result = await adapter.exec({ command: 'echo never', cwd: '/nonexistent/rexec-cm' });
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('/nonexistent/rexec-cm');
  });

  it('calls the line callbacks without the wrapper\'s markers', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await adapter.exec({
      command: 'printf "1\\n2\\n3"; printf "e1\\ne2" >&2',
      onStdoutLine: (line) => out.push(line),
      onStderrLine: (line) => err.push(line),
    });
    expect(out).toEqual(['1', '2', '3']);
    expect(err).toEqual(['e1', 'e2']);
    expect(result.stderr).toBe('e1\ne2');
  });

  it('kills the command when output passes maxBuffer and keeps the head', async () => {
    const result = await adapter.exec({ command: 'yes', maxBuffer: 10_000 });
    expect(result.isMaxBuffer).toBe(true);
    expect(result.stdout).toHaveLength(10_000);
    expect(result.stdout.startsWith('y\ny\n')).toBe(true);
  });

  it('runs concurrent commands over one master', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => adapter.exec({ command: `echo ${i}` })));
    expect(results.map((result) => result.stdout.trim())).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(adapter.stats()).toMatchObject({ state: 'ready', starts: 1, restarts: 0, adopted: false, running: 0 });
  });
});

describe('ControlMasterAdapter: more commands than the server allows sessions per connection', () => {
  it('still runs them all (OpenSSH falls back to extra connections past MaxSessions)', async () => {
    const results = await Promise.all(Array.from({ length: 14 }, (_, i) => adapter.exec({ command: `sleep 1; echo ${i}` })));
    expect(results.map((result) => Number(result.stdout))).toEqual(Array.from({ length: 14 }, (_, i) => i));
  });

  it('a timeout of 1 ms still settles and leaves no command behind', async () => {
    const result = await adapter.exec({ command: 'sleep 307', timeout: 1 });
    expect(result.timedOut).toBe(true);
    const left = await adapter.exec({ command: 'pgrep -f "^sleep 307$" || true' });
    expect(left.stdout).toBe('');
  });
});
