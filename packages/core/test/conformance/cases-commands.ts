/**
 * Conformance cases: ending a command with `kill()` and a timeout's signal, `retry()`, `shell`/`pipefail`,
 * `within()`, and the fields `CommandError` and `TimeoutError` carry.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectionError, quote, within, type Command, type CommandError, type LogEntry, type TimeoutError } from '../../src/index.js';
import { exitSummary, settle, streamLines } from './observe.js';
import { isSleeping, nothingLeft, sessionSshdOf, uniqueSleepArgument } from './processes.js';
import type { CaseContext, ConformanceCase, Observation } from './types.js';

/** Long enough for the first line to arrive on every transport, short enough to keep the table fast. */
const TIMEOUT_MS = 600;

/**
 * Runs `echo $$; exec sleep UNIQUE` (through `prepare`), calls `end` once the pid is printed, and reports how
 * it settled, whether the pid was that sleep, and whether anything of it is left on the host afterwards.
 */
async function endSleep(
  { sh, target, track }: CaseContext,
  prepare: (command: Command) => Command,
  end: (command: Command) => void,
): Promise<Observation> {
  const argument = uniqueSleepArgument();
  track(argument);
  const command = prepare(sh`echo $$; exec sleep ${argument}`);
  let pid: number | undefined;
  let wasTheSleep = false;
  const { settled } = await streamLines(command, target, async (line) => {
    pid = Number(line);
    wasTheSleep = await isSleeping(pid, argument);
    end(command);
  });
  return {
    ...exitSummary(settled),
    saysKill: settled.message?.includes('killed by .kill()') === true,
    wasTheSleep,
    nothingLeft: pid !== undefined && (await nothingLeft([pid], [argument])),
  };
}

const ENDED = { ok: false, wasTheSleep: true, nothingLeft: true };

/** A counter in a file: each run adds one and prints the new count (what a retried command sees). */
const count = (file: string): string => `n=$(cat ${quote(file)} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${quote(file)}; echo run $n`;

export const commandCases: readonly ConformanceCase[] = [
  {
    name: '.kill() ends the running process group (checked on the host) and rejects as canceled, saying .kill()',
    run: (context) => endSleep(context, (command) => command, (command) => void command.kill()),
    expected: { outcome: 'CommandError', exitCode: 143, signal: 'SIGTERM', timedOut: false, isCanceled: true, saysKill: true, ...ENDED },
  },
  {
    name: ".kill('SIGKILL') sends SIGKILL to the process group",
    run: (context) => endSleep(context, (command) => command.nothrow(), (command) => void command.kill('SIGKILL')),
    expected: { outcome: 'resolved', exitCode: 137, signal: 'SIGKILL', timedOut: false, isCanceled: true, saysKill: false, ...ENDED },
  },
  {
    name: ".kill('SIGINT') sends SIGINT",
    run: (context) => endSleep(context, (command) => command.nothrow(), (command) => void command.kill('SIGINT')),
    expected: { outcome: 'resolved', exitCode: 130, signal: 'SIGINT', timedOut: false, isCanceled: true, saysKill: false, ...ENDED },
  },
  {
    name: ".timeout(ms, 'SIGKILL') sends SIGKILL when the timeout elapses, and rejects with TimeoutError",
    run: (context) => endSleep(context, (command) => command.timeout(TIMEOUT_MS, 'SIGKILL'), () => undefined),
    expected: { outcome: 'TimeoutError', exitCode: 137, signal: 'SIGKILL', timedOut: true, isCanceled: false, saysKill: false, ...ENDED },
  },
  {
    name: '.kill() before the command starts: it never runs, and settles as killed',
    run: async ({ sh, target, scratch }) => {
      const marker = join(scratch, 'ran');
      const command = sh`touch ${marker}`;
      const killed = command.kill();
      const settled = await settle(command, target);
      await new Promise((resolve) => setTimeout(resolve, 200)); // time for a command that did start (wrongly) to touch
      return { killed, killedAgain: command.kill(), ...exitSummary(settled), ran: existsSync(marker) };
    },
    expected: { killed: true, killedAgain: false, outcome: 'CommandError', exitCode: 143, signal: 'SIGTERM', ok: false, timedOut: false, isCanceled: true, ran: false },
  },
  {
    name: 'CommandError and TimeoutError carry stdout, stderr, exitCode, signal, duration, the masked command and the target',
    run: async ({ sh, target, track }) => {
      const argument = uniqueSleepArgument();
      track(argument);
      const masked = sh.mask('hunter2');
      const failed = await masked`echo out; echo err >&2; echo ${'hunter2'} >/dev/null; exit 3`.catch((error: unknown) => error);
      const timedOut = await sh`echo partial; exec sleep ${argument}`.timeout(TIMEOUT_MS).catch((error: unknown) => error);
      const fields = (error: unknown) => {
        const e = error as CommandError;
        return {
          type: e.constructor.name,
          stdout: e.stdout,
          stderr: e.stderr,
          exitCode: e.exitCode,
          signal: e.signal,
          durationIsTheResults: typeof e.duration === 'number' && e.duration > 0 && e.duration === e.result?.duration,
          command: e.command?.replace(argument, '<sleep>'),
          targetIsTransport: e.target === target,
          attempts: e.attempts,
        };
      };
      return { failed: fields(failed), timedOut: { ...fields(timedOut), timeout: (timedOut as TimeoutError).timeout } };
    },
    expected: {
      failed: {
        type: 'CommandError',
        stdout: 'out\n',
        stderr: 'err\n',
        exitCode: 3,
        signal: null,
        durationIsTheResults: true,
        command: 'echo out; echo err >&2; echo *** >/dev/null; exit 3',
        targetIsTransport: true,
        attempts: 1,
      },
      timedOut: { type: 'TimeoutError', stdout: 'partial\n', stderr: '', exitCode: 143, signal: 'SIGTERM', durationIsTheResults: true, command: 'echo partial; exec sleep <sleep>', targetIsTransport: true, attempts: 1, timeout: TIMEOUT_MS },
    },
  },
  {
    name: '.retry(n) runs a failing command again until it succeeds, and reports how many runs it took',
    run: async ({ sh, scratch, target }) => {
      const counter = join(scratch, 'runs');
      const flaky = await sh.raw`${count(counter)}; [ $n -ge 3 ]`.retry(4);
      const failing = join(scratch, 'failing');
      const settled = await settle(sh.raw`${count(failing)}; echo "failed run $n" >&2; exit 4`.retry({ times: 2, delay: 20, backoff: 'exponential' }), target);
      const lastError = settled.outcome === 'CommandError' ? settled : undefined;
      return {
        flaky: { stdout: flaky.stdout, attempts: flaky.attempts, runs: (await readFile(counter, 'utf8')).trim() },
        failing: { outcome: settled.outcome, exitCode: settled.output?.exitCode, stderr: settled.output?.stderr, runs: (await readFile(failing, 'utf8')).trim(), message: lastError?.message?.split('\n', 1)[0]?.replace(/: .*/, '') },
      };
    },
    expected: {
      flaky: { stdout: 'run 3\n', attempts: 3, runs: '3' },
      failing: { outcome: 'CommandError', exitCode: 4, stderr: 'failed run 3\n', runs: '3', message: 'Command failed after 3 attempts' },
    },
  },
  {
    name: '.retry() runs a timed-out command again (each run gets the whole timeout); never one that was killed',
    run: async ({ sh, scratch, target, track }) => {
      const argument = uniqueSleepArgument();
      track(argument);
      const counter = join(scratch, 'runs');
      const timedOut = await sh.raw`${count(counter)}; exec sleep ${argument}`.timeout(300).retry(1).catch((error: unknown) => error);
      const killedCounter = join(scratch, 'killed-runs');
      const killed = sh.raw`${count(killedCounter)}; exec sleep ${argument}`.retry(3);
      const { settled } = await streamLines(killed, target, () => void killed.kill());
      return {
        timedOut: { type: (timedOut as Error).constructor.name, attempts: (timedOut as TimeoutError).attempts, runs: (await readFile(counter, 'utf8')).trim() },
        killed: { outcome: settled.outcome, runs: (await readFile(killedCounter, 'utf8')).trim() },
      };
    },
    expected: { timedOut: { type: 'TimeoutError', attempts: 2, runs: '2' }, killed: { outcome: 'CommandError', runs: '1' } },
  },
  {
    name: ".shell('/bin/bash') runs each command under bash, cwd and env still applied; .pipefail() makes a pipeline fail with its first failure",
    run: async ({ sh, scratch, target, openWith }) => {
      const bash = sh.shell('/bin/bash').cd(scratch).env({ GREETING: 'hi there' });
      const shellName = await bash`printf '%s|%s|%s' "$0" "$PWD" "$GREETING"`;
      const [plain, strict, viaOptions] = await Promise.all([
        settle(bash`false | true`, target),
        settle(bash.pipefail()`exit 5 | true`, target),
        settle(openWith({ shell: '/bin/bash', pipefail: true })`echo piped | (cat; exit 6) | cat`, target),
      ]);
      let refused = 'nothing';
      try {
        sh.shell('/bin/sh').pipefail();
      } catch (error) {
        refused = `${(error as Error).constructor.name}:${(error as { option?: string }).option ?? ''}`;
      }
      return {
        shell: shellName.stdout.replace(scratch, '<scratch>'),
        plain: exitSummary(plain).exitCode,
        strict: exitSummary(strict),
        viaOptions: { ...exitSummary(viaOptions), stdout: viaOptions.output?.stdout },
        refused,
      };
    },
    expected: {
      shell: '/bin/bash|<scratch>|hi there',
      plain: 0,
      strict: { outcome: 'CommandError', exitCode: 5, signal: null, ok: false, timedOut: false, isCanceled: false },
      viaOptions: { outcome: 'CommandError', exitCode: 6, signal: null, ok: false, timedOut: false, isCanceled: false, stdout: 'piped\n' },
      refused: 'ConfigError:pipefail',
    },
  },
  {
    name: 'within() gives every command started inside it, across awaits, its cwd, env, timeout, nothrow and log; the tag and the command still win',
    run: async ({ sh, scratch, target, track }) => {
      const argument = uniqueSleepArgument();
      track(argument);
      const entries: LogEntry[] = [];
      const seen = await within({ cwd: scratch, env: { WHERE: 'within' }, timeout: TIMEOUT_MS, nothrow: true, verbose: true, log: (entry) => entries.push(entry) }, async () => {
        const pwd = await sh`pwd`;
        await new Promise((resolve) => setTimeout(resolve, 10));
        const env = await sh`printf '%s' "$WHERE"`;
        const failed = await sh`exit 3`;
        const slept = await sh`exec sleep ${argument}`;
        const own = await sh.env({ WHERE: 'tag' })`printf '%s' "$WHERE"`.cwd('/');
        return { pwd: pwd.stdout.replace(scratch, '<scratch>'), env: env.stdout, failed: failed.exitCode, slept: { timedOut: slept.timedOut, signal: slept.signal }, own: own.stdout };
      });
      const outside = await settle(sh`pwd`, target);
      return {
        ...seen,
        logged: entries.filter((entry) => entry.kind === 'command').map((entry) => entry.command.replace(argument, '<sleep>')),
        loggedTarget: entries.every((entry) => entry.target === target),
        outside: outside.output?.stdout === `${scratch}\n` ? 'still in scratch' : 'not in scratch',
      };
    },
    expected: {
      pwd: '<scratch>\n',
      env: 'within',
      failed: 3,
      slept: { timedOut: true, signal: 'SIGTERM' },
      own: 'tag',
      logged: ['pwd', `printf '%s' "$WHERE"`, 'exit 3', 'exec sleep <sleep>', `printf '%s' "$WHERE"`],
      loggedTarget: true,
      outside: 'not in scratch',
    },
  },
  {
    name: '.cd() and .cwd() take a ProcessOutput (its trimmed stdout); a Date interpolates as its ISO string',
    run: async ({ sh, scratch }) => {
      const dir = await sh`printf '%s\\n' ${scratch}`;
      const [shell, command] = await Promise.all([sh.cd(dir)`pwd`, sh`pwd`.cwd(dir)]);
      const date = new Date(Date.UTC(2024, 1, 29, 12, 30, 45, 5));
      return { shell: shell.stdout === `${scratch}\n`, command: command.stdout === `${scratch}\n`, date: (await sh`printf '%s' ${date}`).stdout };
    },
    expected: { shell: true, command: true, date: '2024-02-29T12:30:45.005Z' },
  },
];

/** Kills the connection a command runs on (the runner puts these last, as it does the other lost-session case). */
export const lostSessionRetryCases: readonly ConformanceCase[] = [
  {
    name: '.retry() does not run again a command whose session was lost while it ran (ConnectionError, started: true): it may have run',
    only: { transports: ['ssh2', 'controlMaster'], why: 'only a remote session can be lost while its command runs' },
    run: async ({ sh, target, host, scratch }) => {
      if (host.pid === undefined) throw new Error('this case needs the OpenSSH harness host (REXEC_TEST_SSHD=openssh)');
      const listener = host.pid;
      const counter = join(scratch, 'runs');
      const command = sh.raw`${count(counter)} >/dev/null; echo $$; while :; do echo tick; sleep 0.05; done`.retry(3);
      const { settled } = await streamLines(command, target, (line, index) => {
        if (index !== 0) return;
        for (const pid of sessionSshdOf(Number(line), listener)) process.kill(pid, 'SIGKILL');
      });
      const error = await command.catch((e: unknown) => e);
      return {
        outcome: settled.outcome,
        started: error instanceof ConnectionError ? error.started : undefined,
        runs: (await readFile(counter, 'utf8')).trim(),
      };
    },
    expected: { outcome: 'ConnectionError', started: true, runs: '1' },
  },
];
