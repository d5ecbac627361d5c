/**
 * Characters that never need quoting in any POSIX shell. `=` and `%` are left out on purpose: an unquoted
 * `A=b` in command position is a variable assignment and `%1` a job in bash, not words.
 */
const SAFE = /^[A-Za-z0-9_@+:,./-]+$/;

/**
 * Quotes `value` as exactly one POSIX shell word, for dash, busybox sh, bash, zsh (sh mode) and ksh.
 * Plain words are left as they are; anything else is wrapped in single quotes, with each `'` written
 * as `'\''` (close, escaped quote, reopen). Inside single quotes no character is special, so `$`,
 * backticks, `\`, globs and newlines stay literal. The empty string becomes `''` (an empty argument).
 *
 * A NUL byte throws `TypeError`: no shell argument can carry it.
 */
export function quote(value: string): string {
  if (typeof value !== 'string') {
    throw new TypeError(`quote() takes a string, got ${value === null ? 'null' : typeof value}`);
  }
  if (value.includes('\0')) {
    throw new TypeError('quote(): the value contains a NUL byte (\\0), which no shell argument can carry; remove it');
  }
  if (value === '') return "''";
  if (SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const SHELL_VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True for a name a POSIX shell accepts in `export NAME=...`. */
export function isShellVariableName(name: string): boolean {
  return SHELL_VARIABLE_NAME.test(name);
}
