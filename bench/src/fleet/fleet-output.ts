/**
 * What each client printed, turned into hosts that ran `true` and `hostname` with the expected output. Pure
 * functions over the text, so the bench's counts of failed hosts are unit-tested (fleet-output.test.ts).
 */

export interface HostCounts {
  /** Hosts whose `hostname` printed the expected name. */
  readonly ok: number;
  /** Hosts named as failed (pdsh's and pssh's own lines, Ansible's UNREACHABLE / FAILED). */
  readonly failedNamed: number;
  /** The first failure line, shortened, for the table. */
  readonly firstFailure?: string | undefined;
}

const short = (line: string | undefined): string | undefined => (line === undefined ? undefined : line.trim().slice(0, 160));

/** `pdsh -R ssh … 'true && hostname'`: `h001: name` per host; errors as `pdsh@x: h001: ssh exited with exit code 255`. */
export function countPdsh(stdout: string, stderr: string, expected: string): HostCounts {
  const ok = new Set<string>();
  for (const line of stdout.split('\n')) {
    const at = line.indexOf(': ');
    if (at > 0 && line.slice(at + 2).trim() === expected) ok.add(line.slice(0, at));
  }
  const failures = stderr.split('\n').filter((line) => /exited with exit code|Connection refused|Permission denied|Host key verification failed|timed out/i.test(line));
  const failed = new Set(failures.map((line) => /^pdsh@[^:]*: ([^:]+):/.exec(line)?.[1] ?? line));
  return { ok: ok.size, failedNamed: failed.size, firstFailure: short(failures[0]) };
}

/** `parallel-ssh -i`: `[n] hh:mm:ss [SUCCESS] h001` then the host's output; `[FAILURE] h002 Exited with error code 255`. */
export function countPssh(stdout: string, expected: string): HostCounts {
  const lines = stdout.split('\n');
  const ok = new Set<string>();
  const failed: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^\[\d+\] \S+ \[(SUCCESS|FAILURE)\] (\S+)/.exec(lines[i] ?? '');
    if (match === null) continue;
    if (match[1] === 'FAILURE') failed.push(lines[i] ?? '');
    else if ((lines[i + 1] ?? '').trim() === expected) ok.add(match[2] ?? '');
  }
  return { ok: ok.size, failedNamed: failed.length, firstFailure: short(failed[0]) };
}

/**
 * `ansible all -m raw -a 'true && hostname' -o`: one line per host, `h001 | CHANGED | rc=0 | (stdout) name\r\n`
 * (raw runs on a tty, hence the escaped CR LF), `h002 | UNREACHABLE!: …` or `h003 | FAILED | rc=1 | …`.
 */
export function countAnsible(stdout: string, expected: string): HostCounts {
  const ok = new Set<string>();
  const failed: string[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^(\S+) \| (\w+!?)/.exec(line);
    if (match === null) continue;
    const output = /\(stdout\) (.*)$/.exec(line)?.[1]?.replace(/(\\r|\\n)+$/g, '').trim();
    if (match[2] === 'CHANGED' && output === expected) ok.add(match[1] ?? '');
    else failed.push(line);
  }
  return { ok: ok.size, failedNamed: failed.length, firstFailure: short(failed[0]) };
}

/** `xargs -P … ssh host 'true && hostname'`: the hosts' output unprefixed, one name a line; ssh's errors on stderr. */
export function countPlainLines(stdout: string, stderr: string, expected: string): HostCounts {
  const ok = stdout.split('\n').filter((line) => line.trim() === expected).length;
  const errors = stderr.split('\n').filter((line) => line.trim() !== '');
  return { ok, failedNamed: 0, firstFailure: short(errors[0]) };
}

/** sshd's log lines for handshakes it dropped (`drop connection #3 from [127.0.0.1]:5000 on [127.0.0.1]:22 past MaxStartups`). */
export function countDroppedHandshakes(log: string): number {
  return log.split('\n').filter((line) => /past MaxStartups|drop connection #/.test(line)).length;
}
