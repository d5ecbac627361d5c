/**
 * Conformance cases: streaming, and ending a command — timeout, AbortSignal, leaving a `for await` loop —
 * checked on the host afterwards: the processes the command started must be gone.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exitSummary, settle, streamLines } from './observe.js';
import { isSleeping, nothingLeft, uniqueSleepArgument } from './processes.js';
import type { CaseContext, ConformanceCase, Observation } from './types.js';

/** Long enough for the first line to arrive on every transport, short enough to keep the table fast. */
const TIMEOUT_MS = 600;

/** How a case ends the command: its timeout, aborting its AbortSignal, or leaving the `for await` loop reading it. */
type Ending = 'timeout' | 'abort' | 'leave';

/**
 * Runs `echo $$; exec sleep UNIQUE`, ends it once its pid is printed, and reports how it settled, whether
 * the printed pid really was that sleep, and whether anything of it is left on the host afterwards.
 */
async function endSleep({ sh, target, track }: CaseContext, ending: Ending): Promise<Observation> {
  const argument = uniqueSleepArgument();
  track(argument);
  const controller = new AbortController();
  const started = sh`echo $$; exec sleep ${argument}`;
  const command = ending === 'timeout' ? started.timeout(TIMEOUT_MS) : ending === 'abort' ? started.signal(controller.signal) : started;
  let pid: number | undefined;
  let wasTheSleep = false;
  let lines = 0;
  const read = async (): Promise<void> => {
    for await (const line of command) {
      lines += 1;
      pid = Number(line);
      wasTheSleep = await isSleeping(pid, argument);
      if (ending === 'abort') controller.abort();
      if (ending === 'leave') break;
    }
  };
  const settled = await settle(read().then(() => command), target);
  return { ...exitSummary(settled), lines, wasTheSleep, nothingLeft: pid !== undefined && (await nothingLeft([pid], [argument])) };
}

const KILLED = { exitCode: 143, signal: 'SIGTERM', ok: false, lines: 1, wasTheSleep: true, nothingLeft: true };

export const terminationCases: readonly ConformanceCase[] = [
  {
    name: 'for await yields stdout lines while the command runs; .lines() splits \\n and \\r\\n',
    run: async ({ sh, target, scratch }) => {
      const go = join(scratch, 'go');
      // The command waits (bounded) for a file the test writes only after it saw the first line.
      const { lines, settled } = await streamLines(
        sh`echo first; i=0; while [ ! -e ${go} ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; [ -e ${go} ] && echo saw-go; echo last`,
        target,
        async (line) => {
          if (line === 'first') await writeFile(go, '');
        },
      );
      return { lines, outcome: settled.outcome, split: await sh`printf 'a\nb\r\nc\n\nd'`.lines() };
    },
    expected: { lines: ['first', 'saw-go', 'last'], outcome: 'resolved', split: ['a', 'b', 'c', '', 'd'] },
  },
  {
    name: '.timeout() ends the process (a sleep, checked on the host) and rejects with TimeoutError',
    run: (context) => endSleep(context, 'timeout'),
    expected: { outcome: 'TimeoutError', timedOut: true, isCanceled: false, ...KILLED },
  },
  {
    name: 'an AbortSignal aborted while it runs ends the process and rejects with a canceled CommandError',
    run: (context) => endSleep(context, 'abort'),
    expected: { outcome: 'CommandError', timedOut: false, isCanceled: true, ...KILLED },
  },
  {
    name: 'leaving a for await loop early ends the process; the command rejects as canceled',
    run: (context) => endSleep(context, 'leave'),
    expected: { outcome: 'CommandError', timedOut: false, isCanceled: true, ...KILLED },
  },
  {
    name: 'an AbortSignal aborted before the command starts: it never runs',
    run: async ({ sh, target, scratch }) => {
      const marker = join(scratch, 'ran');
      const settled = await settle(sh`touch ${marker}; echo ran`.signal(AbortSignal.abort()), target);
      // Give a command that did start (wrongly) time to get as far as `touch`.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { ...exitSummary(settled), stdout: settled.output?.stdout, ran: existsSync(marker) };
    },
    expected: { outcome: 'CommandError', exitCode: 143, signal: 'SIGTERM', ok: false, timedOut: false, isCanceled: true, stdout: '', ran: false },
  },
  {
    name: 'a timeout on a shell with background children (sh -c "sleep & sleep") leaves nothing behind',
    run: async ({ sh, target, track }) => {
      const [background, foreground] = [uniqueSleepArgument(), uniqueSleepArgument()];
      track(background, foreground);
      const script = `sleep ${background} & echo $!; echo $$; exec sleep ${foreground}`;
      const pids: number[] = [];
      const sleeping: boolean[] = [];
      const { settled } = await streamLines(sh`sh -c ${script}`.timeout(TIMEOUT_MS), target, async (line, index) => {
        pids.push(Number(line));
        sleeping.push(await isSleeping(Number(line), index === 0 ? background : foreground));
      });
      return { outcome: settled.outcome, sleeping, nothingLeft: await nothingLeft(pids, [background, foreground]) };
    },
    expected: { outcome: 'TimeoutError', sleeping: [true, true], nothingLeft: true },
  },
];
