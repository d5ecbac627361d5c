import type { Adapter } from '@rexec/adapters';
import { buildExecSpec, type ExecSpecInputs } from './build-exec-spec.js';
import { echoCommand } from './echo.js';
import { settleResult, type Settlement } from './settle-result.js';

export interface RunInputs extends ExecSpecInputs {
  readonly adapter: () => Adapter;
  /** The command with secrets masked. */
  readonly display: string;
  /** Read when the command ends, so `.nothrow()` applied while it runs counts. */
  readonly nothrow: () => boolean;
}

/**
 * Runs one command on its adapter and decides how it settles. Never rejects: an adapter failure
 * (cannot start, transport lost, bad cwd) becomes a failed settlement carrying that error.
 * Not an async function: one promise per command instead of two.
 */
export function runCommand(inputs: RunInputs): Promise<Settlement> {
  try {
    const adapter = inputs.adapter();
    if (inputs.echoes()) echoCommand(inputs.display, adapter.target);
    // Promise.resolve: a third-party adapter may hand back any thenable (a native promise passes as it is).
    return Promise.resolve(adapter.exec(buildExecSpec(inputs))).then((result) => {
      try {
        return settleResult(result, {
          display: inputs.display,
          target: result.target ?? adapter.target,
          nothrow: inputs.nothrow(),
          timeout: inputs.settings.timeout,
        });
      } catch (error) {
        return failed(error);
      }
    }, failed);
  } catch (error) {
    return Promise.resolve(failed(error));
  }
}

function failed(error: unknown): Settlement {
  return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
}
