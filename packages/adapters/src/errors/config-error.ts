import { RexecError, type RexecErrorOptions } from './rexec-error.js';

/** An option or input is invalid. The message names the option, what was wrong, and how to fix it. */
export class ConfigError extends RexecError {
  readonly code = 'ERR_CONFIG' as const;
  readonly retryable = false;
  /** The option (or input) that was wrong, e.g. `'pool.max'`, when there is one. */
  readonly option: string | undefined;

  constructor(message: string, option?: string, options?: RexecErrorOptions) {
    super(message, options);
    this.option = option;
  }
}

export function isConfigError(value: unknown): value is ConfigError {
  return value instanceof ConfigError;
}
