import { ConfigError } from '@rexec/adapters';
import { describe, expect, it } from 'vitest';
import { ProcessOutput } from '../command/process-output.js';
import { renderTemplate, type TemplateMode } from './template.js';

const render =
  (mode: TemplateMode) =>
  (pieces: TemplateStringsArray, ...values: unknown[]): string =>
    renderTemplate(pieces, values, mode);
const q = render('quote');
const raw = render('raw');

const output = (stdout: string): ProcessOutput =>
  new ProcessOutput({ stdout, stderr: '', exitCode: 0, signal: null, duration: 1, command: 'x', target: 'local' });

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('renderTemplate', () => {
  it('keeps template text as shell source and quotes each value as one word', () => {
    expect(q`echo ${'a b'} | wc -c`).toBe("echo 'a b' | wc -c");
    expect(q`echo ${"it's"}`).toBe("echo 'it'\\''s'");
    expect(q`ls ${'-la'}`).toBe('ls -la');
  });

  it('writes numbers and bigints as digits', () => {
    expect(q`head -n ${5} ${-1} ${2.5} ${10n}`).toBe('head -n 5 -1 2.5 10');
  });

  it('expands an array to one quoted word per element, and an empty array to nothing', () => {
    expect(q`rm ${['a b', 'c', 3]}`).toBe("rm 'a b' c 3");
    expect(q`ls ${[]}`).toBe('ls ');
  });

  it('interpolates a ProcessOutput as its trimmed stdout, quoted', () => {
    expect(q`cat ${output('  my file\n')}`).toBe("cat 'my file'");
  });

  it('interpolates a Date as its ISO string; an invalid Date is a TypeError', () => {
    const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(q`touch -d ${date} stamp`).toBe('touch -d 2024-01-02T03:04:05.678Z stamp');
    expect(q`echo ${[date, 'x y']}`).toBe("echo 2024-01-02T03:04:05.678Z 'x y'");
    const error = thrown(() => q`echo ${new Date(Number.NaN)}`);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('argument 1 of the template is an invalid Date');
  });

  it('inserts values unquoted in raw mode', () => {
    expect(raw`echo ${'$HOME'} ${['a', 'b c']} ${output('x\n')}`).toBe('echo $HOME a b c x');
  });

  it.each([
    [null, 'argument 1 of the template is null'],
    [undefined, 'argument 1 of the template is undefined'],
    [{ a: 1 }, 'argument 1 of the template is an object'],
    [() => 1, 'argument 1 of the template is function'],
    [true, 'argument 1 of the template is a boolean'],
    [Symbol('s'), 'argument 1 of the template is symbol'],
    [Number.NaN, 'NaN, which is not a finite number'],
    [Promise.resolve(1), 'a promise (a command that was not awaited?)'],
    [[['nested']], 'a nested array'],
  ])('rejects %s with a TypeError naming the position', (value, message) => {
    const error = thrown(() => q`echo ${value}`);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain(message);
    expect(error.message).toContain('nothing was run');
  });

  it('names the position and the text before it, also inside arrays and in raw mode', () => {
    const error = thrown(() => q`cp ${'secret'} ${undefined} dest`);
    expect(error.message).toMatch(/^argument 2 of the template is undefined \(after "cp \$\{…\}"\)/);
    expect(error.message).not.toContain('secret');
    expect(thrown(() => q`rm ${['ok', null]}`).message).toContain('argument 1 of the template (element 1 of its array) is null');
    expect(thrown(() => raw`rm ${undefined}`)).toBeInstanceOf(TypeError);
  });

  it('rejects a NUL byte in a value or in the text with TypeError', () => {
    expect(thrown(() => q`echo ${'a\0b'}`).message).toMatch(/argument 1 .*NUL byte/);
    expect(thrown(() => raw`echo ${'a\0b'}`)).toBeInstanceOf(TypeError);
    expect(thrown(() => q`echo ${['ok', '\0']}`).message).toContain('element 1');
    expect(thrown(() => q`echo \0`)).toBeInstanceOf(TypeError);
  });

  it('rejects an empty command with ConfigError', () => {
    expect(thrown(() => q``)).toBeInstanceOf(ConfigError);
    expect(thrown(() => q`  ${[]} \n`)).toBeInstanceOf(ConfigError);
    expect(thrown(() => raw`${''}`).message).toMatch(/command is empty/);
  });

  it('rejects a call that is not a tagged template', () => {
    expect(() => renderTemplate('ls' as unknown as TemplateStringsArray, [], 'quote')).toThrow(/tagged template/);
  });
});
