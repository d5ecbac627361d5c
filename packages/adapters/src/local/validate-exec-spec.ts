import { constants } from 'node:os';
import { Readable } from 'node:stream';
import type { ExecSpec } from '../contract.js';
import { ConfigError } from '../errors/index.js';

function fail(field: string, problem: string): never {
  throw new ConfigError(`ExecSpec "${field}" ${problem}`, field);
}

/**
 * Checks a spec handed to `LocalAdapter.exec` directly (core validates its own specs earlier, with
 * messages in terms of `$`). Throws `ConfigError` naming the field.
 */
export function validateExecSpec(spec: ExecSpec): void {
  if (typeof spec !== 'object' || spec === null) fail('spec', 'must be an object with a "command" string');
  if (typeof spec.command !== 'string' || spec.command.trim() === '') {
    fail('command', 'must be a non-empty shell command string');
  }
  if (spec.command.includes('\0')) fail('command', 'contains a NUL byte, which no shell can carry');
  if (spec.cwd !== undefined && (typeof spec.cwd !== 'string' || spec.cwd === '')) {
    fail('cwd', 'must be a non-empty directory path');
  }
  if (spec.env !== undefined) {
    if (typeof spec.env !== 'object' || spec.env === null) fail('env', 'must be an object of string values');
    for (const [key, value] of Object.entries(spec.env)) {
      if (typeof value !== 'string') fail('env', `value of ${key} must be a string, got ${typeof value}`);
    }
  }
  if (spec.timeout !== undefined && (typeof spec.timeout !== 'number' || !Number.isFinite(spec.timeout) || spec.timeout < 0)) {
    fail('timeout', `must be a finite number of milliseconds >= 0 (0 = none), got ${String(spec.timeout)}`);
  }
  if (spec.timeoutSignal !== undefined && (typeof spec.timeoutSignal !== 'string' || !Object.hasOwn(constants.signals, spec.timeoutSignal))) {
    fail('timeoutSignal', `must be a signal name such as "SIGTERM" or "SIGKILL", got ${String(spec.timeoutSignal)}`);
  }
  if (spec.maxBuffer !== undefined && (!Number.isSafeInteger(spec.maxBuffer) || spec.maxBuffer <= 0)) {
    fail('maxBuffer', `must be a positive whole number of bytes, got ${String(spec.maxBuffer)}`);
  }
  const { stdin } = spec;
  if (stdin !== undefined && typeof stdin !== 'string' && !Buffer.isBuffer(stdin) && !(stdin instanceof Readable)) {
    fail('stdin', 'must be a string, a Buffer or a Readable stream');
  }
  if (spec.signal !== undefined && !(spec.signal instanceof AbortSignal)) fail('signal', 'must be an AbortSignal');
}
