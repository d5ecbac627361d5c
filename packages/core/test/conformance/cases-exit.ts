/**
 * Conformance cases: output, exit codes and signals.
 */
import { exitSummary, observe, settle, streamLines } from './observe.js';
import { nothingLeft, sessionSshdOf } from './processes.js';
import type { ConformanceCase } from './types.js';

export const exitCases: readonly ConformanceCase[] = [
  {
    name: 'stdout is kept byte for byte; the result is ok and names its target',
    run: async ({ sh, target }) => {
      const out = await sh`printf 'one\n\ntwo  \n'; printf 'no newline'`;
      return { stdout: out.stdout, text: out.toString(), exitCode: out.exitCode, signal: out.signal, ok: out.ok, targetIsTransport: out.target === target };
    },
    expected: { stdout: 'one\n\ntwo  \nno newline', text: 'one\n\ntwo  \nno newline', exitCode: 0, signal: null, ok: true, targetIsTransport: true },
  },
  {
    name: 'stderr is kept apart from stdout, and a command that writes stderr but exits 0 succeeds',
    run: async ({ sh, target }) => observe(sh`echo out; echo err >&2; echo out2; printf 'err2' >&2`, target),
    expected: { outcome: 'resolved', exitCode: 0, signal: null, ok: true, timedOut: false, isCanceled: false, stdout: 'out\nout2\n', stderr: 'err\nerr2' },
  },
  {
    name: 'exit code N rejects with CommandError carrying N, the command and the head of stderr',
    run: async ({ sh, target }) => {
      const settled = await settle(sh`echo "disk full" >&2; exit 3`, target);
      return { ...exitSummary(settled), message: settled.message };
    },
    expected: {
      outcome: 'CommandError',
      exitCode: 3,
      signal: null,
      ok: false,
      timedOut: false,
      isCanceled: false,
      message: 'Command failed: echo "disk full" >&2; exit 3\nexit code 3\nstderr: disk full',
    },
  },
  {
    name: '.nothrow() resolves with the exit code instead: 1, 2, 127, 130 and 255 (statuses above 128 are not signals)',
    run: async ({ sh, target }) => {
      const commands = [...[1, 2, 130, 255].map((code) => sh`exit ${code}`), sh`no-such-command-rexec 2>/dev/null`];
      const settled = await Promise.all(commands.map((command) => settle(command.nothrow(), target)));
      return { codes: settled.map(exitSummary) };
    },
    expected: {
      codes: [1, 2, 130, 255, 127].map((exitCode) => ({ outcome: 'resolved', exitCode, signal: null, ok: false, timedOut: false, isCanceled: false })),
    },
  },
  {
    name: 'a command killed by a signal reports 128 + n and the signal name (TERM, KILL, HUP)',
    run: async ({ sh, target }) => {
      const [term, kill, hup] = await Promise.all([
        settle(sh`echo before; kill -TERM $$; echo after`, target),
        settle(sh`kill -KILL $$`.nothrow(), target),
        settle(sh`kill -HUP $$`.nothrow(), target),
      ]);
      return { term: { ...exitSummary(term), stdout: term.output?.stdout, message: term.message }, kill: exitSummary(kill), hup: exitSummary(hup) };
    },
    expected: {
      term: {
        outcome: 'CommandError',
        exitCode: 143,
        signal: 'SIGTERM',
        ok: false,
        timedOut: false,
        isCanceled: false,
        stdout: 'before\n',
        message: 'Command failed: echo before; kill -TERM $$; echo after\nkilled by SIGTERM (exit code 143)',
      },
      kill: { outcome: 'resolved', exitCode: 137, signal: 'SIGKILL', ok: false, timedOut: false, isCanceled: false },
      hup: { outcome: 'resolved', exitCode: 129, signal: 'SIGHUP', ok: false, timedOut: false, isCanceled: false },
    },
  },
];

/**
 * Kills the connection a command runs on, so the next command pays for a new one: the runner puts it last.
 */
export const lostSessionCases: readonly ConformanceCase[] = [
  {
    name: 'a remote command whose exit status never arrives (its sshd session killed) is a ConnectionError, never exit 0, even with .nothrow()',
    // A local command always has an exit status (waitpid reports one), so there is nothing to lose locally.
    only: { transports: ['ssh2', 'controlMaster'], why: 'only a remote session can end without an exit status' },
    run: async ({ sh, target, host }) => {
      if (host.pid === undefined) throw new Error('this case needs the OpenSSH harness host (REXEC_TEST_SSHD=openssh): the embedded server has no sshd process to kill');
      const listener = host.pid;
      let printed: number | undefined;
      // The loop writes until the lost session's pipes break (SIGPIPE), so the command cannot outlive the test.
      const { settled } = await streamLines(sh`echo $$; while :; do echo tick; sleep 0.05; done`.nothrow(), target, (line, index) => {
        if (index !== 0) return;
        printed = Number(line);
        for (const pid of sessionSshdOf(printed, listener)) process.kill(pid, 'SIGKILL');
      });
      return { outcome: settled.outcome, nothingLeft: printed !== undefined && (await nothingLeft([printed], [])) };
    },
    expected: { outcome: 'ConnectionError', nothingLeft: true },
  },
];
