/**
 * POSIX single-quote escaping: the value becomes one shell word whatever it holds (dash, bash, busybox sh,
 * zsh, ksh). A deliberate small copy of `@rexec/core`'s `quote()`: adapters cannot import core (core depends
 * on adapters), and the remote wrapper only needs this one rule.
 */
export function quotePosix(value: string): string {
  if (value.includes('\0')) throw new TypeError('A NUL byte cannot be passed to a shell');
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** True for a name a POSIX shell accepts in `export NAME=...`. */
export function isShellVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}
