/**
 * The log hook: what `verbose` prints goes through one function, `(entry) => void`, that a shell (`$.log(fn)`,
 * `createShell({ defaults: { log } })`) or a `within({ log }, fn)` block may replace. Nothing is logged
 * unless a command is verbose and not quiet (zx 8's default). A hook that throws fails the command.
 */

/** One thing `verbose` reports. `command` is always shown with secrets masked; `target` is `'local'` or `user@host:port`. */
export type LogEntry =
  /** The command is starting (each attempt, when it is retried). */
  | { readonly kind: 'command'; readonly command: string; readonly target: string }
  /** A line the command printed on stdout or stderr, without its newline. */
  | { readonly kind: 'stdout' | 'stderr'; readonly line: string; readonly command: string; readonly target: string }
  /** Attempt `attempt` (of at most `attempts`) failed with `error`; the next one starts in `delay` ms. */
  | {
      readonly kind: 'retry';
      readonly attempt: number;
      readonly attempts: number;
      readonly delay: number;
      readonly error: Error;
      readonly command: string;
      readonly target: string;
    };

export type LogHook = (entry: LogEntry) => void;

/**
 * The default hook: `$ command` on this process's stderr (`[user@host:port] $ command` for a remote one),
 * stdout lines on stdout and stderr lines on stderr as they arrive, and `[target] retry n/N in d ms: why`
 * on stderr before each retry.
 */
export const defaultLog: LogHook = (entry) => {
  const prefix = entry.target === 'local' ? '' : `[${entry.target}] `;
  switch (entry.kind) {
    case 'command':
      process.stderr.write(`${prefix}$ ${entry.command}\n`);
      return;
    case 'stdout':
      process.stdout.write(`${entry.line}\n`);
      return;
    case 'stderr':
      process.stderr.write(`${entry.line}\n`);
      return;
    case 'retry': {
      const why = entry.error.message.split('\n', 1)[0] ?? '';
      process.stderr.write(`${prefix}retry ${entry.attempt + 1}/${entry.attempts} in ${Math.round(entry.delay)} ms: ${why}\n`);
      return;
    }
  }
};
