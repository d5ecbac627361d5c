/** The shape of a finished command's result, as carried by `CommandError` and `TimeoutError`. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  readonly signal: string | null;
  readonly ok: boolean;
  readonly duration: number;
  /** The command as run, with secrets masked. */
  readonly command: string;
  /** `'local'` or `user@host:port`. */
  readonly target: string;
  /** How many times the command ran: 1, or more when `retry()` ran it again. Absent means 1. */
  readonly attempts?: number;
}
