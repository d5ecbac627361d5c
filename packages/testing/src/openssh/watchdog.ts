/**
 * A small /bin/sh guard around sshd: it starts sshd, writes its pid to `<dir>/sshd.pid`, and checks every
 * second that the test process is still there. When that process is gone (killed by a signal, crashed,
 * so no teardown ran), it removes the temp dir and kills its process group, sshd included. Run detached,
 * the guard leads the group, so `stop()` ends both with one group signal.
 * Arguments: $1 = the pid to watch, $2 = the temp dir, then the sshd command line.
 */
export const WATCHDOG_SCRIPT = [
  'parent=$1; dir=$2; shift 2',
  '"$@" &',
  'child=$!',
  'echo "$child" > "$dir/sshd.pid"',
  'while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done',
  'if ! kill -0 "$parent" 2>/dev/null; then rm -rf "$dir"; kill -KILL 0; fi',
  'wait "$child"',
].join('\n');

/** argv for `spawn('/bin/sh', ...)` that runs `command` under the watchdog. */
export function watchdogArgs(dir: string, command: readonly string[]): string[] {
  return ['-c', WATCHDOG_SCRIPT, 'rexec-sshd-watchdog', String(process.pid), dir, ...command];
}
