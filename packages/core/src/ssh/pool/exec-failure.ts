/**
 * When a borrowed connection's `exec` rejects: the same rule as the `$` tag (docs/commands.md#errors): a timeout is a
 * `TimeoutError`, any other result that is not ok (non-zero exit, signal, abort, overflow) a `CommandError`.
 */
import { CommandError, TimeoutError } from '@rexec/adapters';
import type { ProcessOutput } from '../../command/process-output.js';

export function failureOf(output: ProcessOutput, timeout: number | undefined): Error | undefined {
  if (output.ok) return undefined;
  if (output.timedOut) return new TimeoutError(output.command, timeout ?? 0, output);
  return new CommandError(output, { isCanceled: output.isCanceled, isMaxBuffer: output.isMaxBuffer });
}
