import { ConfigError, quote } from '@rexec/adapters';
import { ProcessOutput } from '../command/process-output.js';

/** `quote`: each value becomes one shell word. `raw`: values are inserted as they are. */
export type TemplateMode = 'quote' | 'raw';

function isTemplateStringsArray(value: unknown): value is TemplateStringsArray {
  return Array.isArray(value) && Array.isArray((value as unknown as TemplateStringsArray).raw);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a nested array';
  if (typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') {
    return 'a promise (a command that was not awaited?); await it first';
  }
  if (typeof value === 'boolean') return `a boolean (${String(value)}); to add an argument conditionally use \${flag ? '--x' : []}`;
  if (typeof value === 'number') return `${String(value)}, which is not a finite number`;
  return typeof value === 'object' ? `an object (${Object.prototype.toString.call(value)})` : typeof value;
}

function badValue(position: number, where: string, kind: string, before: string): TypeError {
  const context = before.trimEnd().slice(-30);
  return new TypeError(
    `argument ${position} of the template${where} is ${kind}` +
      (context === '' ? '' : ` (after "${context}")`) +
      '. Interpolate a string, a number, a Date, an array of them, or a ProcessOutput; nothing was run.',
  );
}

function word(text: string, mode: TemplateMode, fail: (kind: string) => TypeError): string {
  if (text.includes('\0')) throw fail('a string containing a NUL byte (\\0), which no shell argument can carry');
  return mode === 'raw' ? text : quote(text);
}

function renderScalar(value: unknown, mode: TemplateMode, fail: (kind: string) => TypeError): string {
  if (typeof value === 'string') return word(value, mode, fail);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return String(value);
  if (value instanceof ProcessOutput) return word(value.toString(), mode, fail);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw fail('an invalid Date (new Date(NaN)); check how it was built');
    return word(value.toISOString(), mode, fail);
  }
  throw fail(kindOf(value));
}

function renderValue(value: unknown, position: number, mode: TemplateMode, before: string): string {
  if (Array.isArray(value)) {
    return value
      .map((element, index) =>
        renderScalar(element, mode, (kind) => badValue(position, ` (element ${index} of its array)`, kind, before)),
      )
      .join(' ');
  }
  return renderScalar(value, mode, (kind) => badValue(position, '', kind, before));
}

/**
 * Builds shell source from a tagged template. Literal text is shell source (JavaScript escapes apply,
 * as in any template literal); each `${value}` is one quoted word (or, for an array, one word per
 * element). Throws `TypeError` naming the argument for a value no shell can take safely, and
 * `ConfigError` for an empty command.
 */
export function renderTemplate(pieces: TemplateStringsArray, values: readonly unknown[], mode: TemplateMode): string {
  if (!isTemplateStringsArray(pieces)) {
    throw new TypeError('The command tag is used as a tagged template: write $`ls -la`, not $("ls -la")');
  }
  let source = '';
  let shape = ''; // the template text with values shown as ${…}: safe to show in errors (values may be secrets)
  for (let index = 0; index < pieces.length; index++) {
    const piece = pieces[index];
    if (piece === undefined) {
      throw new TypeError(
        `The template text before argument ${index + 1} has an invalid escape sequence (${pieces.raw[index] ?? ''}); write \\\\ for a backslash`,
      );
    }
    if (piece.includes('\0')) throw new TypeError('The template text contains a NUL byte (\\0), which no shell can carry');
    source += piece;
    shape += piece;
    if (index < values.length) {
      source += renderValue(values[index], index + 1, mode, shape);
      shape += '${…}';
    }
  }
  if (source.trim() === '') {
    throw new ConfigError('The command is empty: the template rendered to nothing but whitespace; give a command to run', 'command');
  }
  return source;
}
