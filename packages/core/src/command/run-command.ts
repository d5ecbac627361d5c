import type { Adapter } from '@rexec/adapters';
import { buildExecSpec, type ExecSpecInputs } from './build-exec-spec.js';
import { defaultLog } from './log.js';
import { settleResult, type Settlement } from './settle-result.js';

export interface RunInputs extends ExecSpecInputs {
  readonly adapter: () => Adapter;
  /** Which run this is (1, or more after retries). */
  readonly attempt: number;
  /** Read when the command ends: it was ended by `command.kill()`. */
  readonly killed: () => boolean;
}

/**
 * Runs a command once on its adapter and decides how that run settles. Never rejects: an adapter failure
 * (cannot start, transport lost, bad cwd) becomes a failed settlement carrying that error.
 * Not an async function: one promise per command instead of two.
 */
export function runCommand(inputs: RunInputs): Promise<Settlement> {
  let target: string | undefined;
  try {
    const adapter = inputs.adapter();
    target = adapter.target;
    const ranOn = target;
    if (inputs.echoes()) (inputs.settings.log ?? defaultLog)({ kind: 'command', command: inputs.display, target: ranOn });
    // Promise.resolve: a third-party adapter may hand back any thenable (a native promise passes as it is).
    return Promise.resolve(adapter.exec(buildExecSpec(inputs, ranOn))).then((result) => {
      try {
        return settleResult(result, {
          display: inputs.display,
          target: result.target ?? ranOn,
          timeout: inputs.settings.timeout,
          attempt: inputs.attempt,
          killed: inputs.killed(),
        });
      } catch (error) {
        return failed(error, ranOn);
      }
    }, (error: unknown) => failed(error, ranOn));
  } catch (error) {
    return Promise.resolve(failed(error, target));
  }
}

function failed(error: unknown, target: string | undefined): Settlement {
  return { ok: false, target, error: error instanceof Error ? error : new Error(String(error)) };
}
