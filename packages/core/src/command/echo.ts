/**
 * What `verbose` prints: the command (secrets masked) to this process's stderr as `$ command`, then
 * its output as it arrives, stdout lines to stdout and stderr lines to stderr. Nothing is printed
 * unless a command is verbose and not quiet (zx 8's default).
 */
export function echoCommand(display: string, target: string): void {
  process.stderr.write(target === 'local' ? `$ ${display}\n` : `[${target}] $ ${display}\n`);
}

export function echoLine(stream: 'stdout' | 'stderr', line: string): void {
  (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`);
}
