/**
 * Turns how a command settled into plain data the table can compare across transports.
 */
import { ProcessOutput, type CommandOutput } from '../../src/index.js';

/** How one command settled: `'resolved'` or the error's class name, its output (also an error's), and the error's message. */
export interface Settled {
  readonly outcome: string;
  readonly output: CommandOutput | undefined;
  /** The error message with `" on <target>"` taken out, so local and remote messages compare equal. */
  readonly message: string | undefined;
}

/** Awaits `command` and reports how it settled; never rejects. */
export async function settle(command: PromiseLike<ProcessOutput>, target: string): Promise<Settled> {
  try {
    const output = await command;
    return { outcome: 'resolved', output, message: undefined };
  } catch (error) {
    if (!(error instanceof Error)) return { outcome: typeof error, output: undefined, message: String(error) };
    const output = (error as { result?: unknown }).result;
    return {
      outcome: error.constructor.name,
      output: output instanceof ProcessOutput ? output : undefined,
      message: error.message.replace(` on ${target}`, ''),
    };
  }
}

/** The fields of a settled command every exit and kill case compares. */
export function exitSummary({ outcome, output }: Settled): Record<string, unknown> {
  const flags = output instanceof ProcessOutput ? { timedOut: output.timedOut, isCanceled: output.isCanceled } : {};
  return { outcome, exitCode: output?.exitCode, signal: output?.signal, ok: output?.ok, ...flags };
}

/** Settles `command` and returns its summary plus its stdout and stderr. */
export async function observe(command: PromiseLike<ProcessOutput>, target: string): Promise<Record<string, unknown>> {
  const settled = await settle(command, target);
  return { ...exitSummary(settled), stdout: settled.output?.stdout, stderr: settled.output?.stderr };
}

/**
 * Reads `command`'s stdout with `for await`, handing each line to `onLine` while the command runs, and
 * reports how the loop ended (a command that fails makes the loop throw its error).
 */
export async function streamLines(
  command: AsyncIterable<string> & PromiseLike<ProcessOutput>,
  target: string,
  onLine: (line: string, index: number) => Promise<void> | void,
): Promise<{ lines: string[]; settled: Settled }> {
  const lines: string[] = [];
  const loop = (async (): Promise<ProcessOutput> => {
    for await (const line of command) {
      lines.push(line);
      await onLine(line, lines.length - 1);
    }
    return command;
  })();
  return { lines, settled: await settle(loop, target) };
}
