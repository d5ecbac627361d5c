import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@rexec/adapters';
import { killGroupCommand, PGID_MARKER, wrapRemoteCommand } from './command-wrapper.js';
import { createPgidFilter } from './pgid-filter.js';

/** Runs the wrapped source with a real local sh, as sshd would with the login shell; returns stdout. */
function runWithSh(source: string): { stdout: string } {
  return { stdout: execFileSync('sh', ['-c', source], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
}

describe('wrapRemoteCommand', () => {
  it('prints the process group marker first, then cd, export, and the command on its own line', () => {
    const source = wrapRemoteCommand({ command: 'echo "$A $B"; pwd', cwd: '/tmp', env: { A: "it's", B: '$HOME `x`' } });
    expect(source.split('\n')).toEqual([
      `printf '${PGID_MARKER}%s\\n' "$$" >&2`,
      'cd -- /tmp || exit',
      `export A='it'\\''s' B='$HOME \`x\`'`,
      'echo "$A $B"; pwd',
    ]);
    expect(runWithSh(source).stdout).toBe("it's $HOME `x`\n/tmp\n");
  });

  it('keeps the command text exactly: comments and heredocs work as locally', () => {
    const source = wrapRemoteCommand({ command: 'cat <<EOF\nline $((1+1))\nEOF\necho done # a comment' });
    expect(runWithSh(source).stdout).toBe('line 2\ndone\n');
  });

  it('stops before the command when cd fails', () => {
    let status = 0;
    try {
      execFileSync('sh', ['-c', wrapRemoteCommand({ command: 'echo ran', cwd: '/no/such/dir' })], { stdio: 'pipe' });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).not.toBe(0);
  });

  it('rejects an env name a shell cannot export, with a ConfigError', () => {
    expect(() => wrapRemoteCommand({ command: 'true', env: { 'A-B': 'x' } })).toThrowError(ConfigError);
    expect(() => wrapRemoteCommand({ command: 'true', env: { '1A': 'x' } })).toThrowError(/env name "1A" is not a variable name/);
  });

  it('reports $$ as the marker the pgid filter reads', () => {
    const result = execFileSync('sh', ['-c', `{ ${wrapRemoteCommand({ command: 'echo $$' })}\n} 2>&1`], { encoding: 'utf8' });
    const pids: number[] = [];
    let passed = '';
    const filter = createPgidFilter((pid) => pids.push(pid), (chunk) => (passed += chunk.toString()));
    filter.write(Buffer.from(result));
    filter.end();
    expect(pids).toHaveLength(1);
    expect(passed).toBe(`${pids[0]}\n`);
  });
});

describe('killGroupCommand', () => {
  it('is a POSIX kill of the negative process group id', () => {
    expect(killGroupCommand(123, 'TERM')).toBe('kill -s TERM -- -123 2>/dev/null || kill -TERM -123 2>/dev/null; exit 0');
  });
});
