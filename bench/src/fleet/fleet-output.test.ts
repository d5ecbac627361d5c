import { describe, expect, it } from 'vitest';
import { countAnsible, countDroppedHandshakes, countPdsh, countPlainLines, countPssh } from './fleet-output.js';

describe('fleet output parsers', () => {
  it('pdsh: hosts whose line is the expected name; failures from its own stderr lines', () => {
    const stdout = 'h001: vm\nh002: vm\nh003: other\nh002: vm\n';
    const stderr = 'pdsh@vm: h004: ssh exited with exit code 255\nh004: ssh: connect to host 127.0.0.4 port 22: Connection refused\n';
    expect(countPdsh(stdout, stderr, 'vm')).toEqual({ ok: 2, failedNamed: 2, firstFailure: 'pdsh@vm: h004: ssh exited with exit code 255' });
  });

  it('pssh -i: SUCCESS blocks with the expected output, FAILURE lines', () => {
    const stdout = '[1] 12:36:45 [SUCCESS] h003\nvm\n[2] 12:36:46 [FAILURE] h001 Exited with error code 255\nStderr: x\n[3] 12:36:46 [SUCCESS] h002\nnope\n';
    expect(countPssh(stdout, 'vm')).toEqual({ ok: 1, failedNamed: 1, firstFailure: '[2] 12:36:46 [FAILURE] h001 Exited with error code 255' });
  });

  it('ansible -o: CHANGED with the name (tty CR LF escaped), anything else failed', () => {
    const stdout = [
      'h003 | CHANGED | rc=0 | (stdout) vm\\r\\n',
      'h002 | UNREACHABLE!: Failed to connect to the host via ssh: kex_exchange_identification: read: Connection reset by peer',
      'h001 | FAILED | rc=1 | (stdout) ',
      'h004 | CHANGED | rc=0 | (stdout) vm',
      '[WARNING]: something',
    ].join('\n');
    const counts = countAnsible(stdout, 'vm');
    expect(counts.ok).toBe(2);
    expect(counts.failedNamed).toBe(2);
    expect(counts.firstFailure).toMatch(/^h002 \| UNREACHABLE!/);
  });

  it('xargs + ssh: lines that are the name; the first stderr line as the failure', () => {
    expect(countPlainLines('vm\nvm\n\nvm\n', 'ssh: connect to host h9 port 22: Connection refused\n', 'vm')).toEqual({
      ok: 3,
      failedNamed: 0,
      firstFailure: 'ssh: connect to host h9 port 22: Connection refused',
    });
  });

  it('sshd drops past MaxStartups', () => {
    const log = 'Accepted publickey for root\ndrop connection #12 from [127.0.0.1]:40000 on [127.0.0.5]:2222 past MaxStartups\nx\n';
    expect(countDroppedHandshakes(log)).toBe(1);
    expect(countDroppedHandshakes('')).toBe(0);
  });
});
