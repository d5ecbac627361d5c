/**
 * Every message text rexec's errors carry is built here, so wording stays consistent
 * and no secret can slip in from a second place.
 */
import type { CommandOutput } from './command-output.js';

const STDERR_HEAD_CHARS = 1000;

function head(text: string, limit: number): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= limit ? trimmed : `${trimmed.slice(0, limit)}… (${trimmed.length - limit} more characters)`;
}

/** A short description of a thrown value that is not always an Error. */
export function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

export function commandFailedMessage(
  result: CommandOutput,
  details: { isCanceled?: boolean; isMaxBuffer?: boolean },
): string {
  const where = result.target === 'local' ? '' : ` on ${result.target}`;
  let why: string;
  if (details.isMaxBuffer === true) why = 'output exceeded maxBuffer; the command was killed and the head of its output kept';
  else if (details.isCanceled === true) why = 'it was aborted';
  else if (result.signal !== null) why = `killed by ${result.signal} (exit code ${result.exitCode})`;
  else why = `exit code ${result.exitCode}`;
  const stderr = head(result.stderr, STDERR_HEAD_CHARS);
  return `Command failed${where}: ${result.command}\n${why}${stderr === '' ? '' : `\nstderr: ${stderr}`}`;
}

export function timeoutMessage(what: string, timeout: number, result?: CommandOutput): string {
  const where = result === undefined || result.target === 'local' ? '' : ` on ${result.target}`;
  const stderr = result === undefined ? '' : head(result.stderr, STDERR_HEAD_CHARS);
  return `Timed out after ${timeout} ms${where}: ${what}${stderr === '' ? '' : `\nstderr: ${stderr}`}`;
}

export function poolExhaustedMessage(target: string, max: number): string {
  return `Connection pool exhausted for ${target} (max: ${max})`;
}

export function acquireTimeoutMessage(target: string, timeout: number, lastCreateError?: unknown): string {
  const last = lastCreateError === undefined ? '' : `; last error while creating a resource: ${describe(lastCreateError)}`;
  return `Timed out after ${timeout} ms waiting for a resource from the pool for ${target}${last}`;
}

export function poolClosedMessage(target: string): string {
  return `The pool for ${target} is closed; create a new one (or a new $.ssh target) to run more commands`;
}

export function circuitOpenMessage(target: string, retryAfter: number, lastFailure?: unknown): string {
  const last = lastFailure === undefined ? '' : `; last failure: ${describe(lastFailure)}`;
  return `Circuit breaker open for ${target} after repeated failures; failing fast, retry after ${Math.round(retryAfter)} ms${last}`;
}
