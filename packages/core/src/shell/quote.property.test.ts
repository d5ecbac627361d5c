import { LocalAdapter } from '@rexec/adapters';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createShell } from './create-shell.js';

/**
 * The quoting property, checked against real shells: for any string s without NUL,
 * `printf '%s' ${s}` prints exactly s. Each run renders one script with BATCH separate
 * `printf '%s\0' ${s}` lines through the real tag and runs it in one shell process; a NUL
 * (which no value can contain) separates the outputs.
 */
const BATCH = 100;
const RUNS = 50; // 5,000 generated values per shell, plus the fixed edge cases below

const SHELL_SPECIALS = [..."'\"\\\n\t $`(){}[]*?~!#&;|<>=%^-+.,:@/", 'a', 'Z', '0', 'é', '€', '😀', '\u00a0', '\r'];
const value = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 24 }),
    fc.string({ unit: fc.constantFrom(...SHELL_SPECIALS), maxLength: 24 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 24 }),
    fc.constantFrom('', '-n', '--help', '-e \\n', '$(id)', '`id`', '${HOME}', "'", "''", "'\\''", '*', '~', '!!', 'a\nb'),
  )
  .filter((s) => !s.includes('\0'));

const EDGE_CASES = ['', ' ', "'", '"', '\\', '\n', '$(echo hi)', '`echo hi`', '*', '-n', '-', '--', "it's", "a'b'c", '\\\'', '%s%d'];

function script(values: readonly string[]): TemplateStringsArray {
  const line = "printf '%s\\0' ";
  const pieces = [line, ...values.slice(1).map(() => `\n${line}`), '\n'];
  const strings: TemplateStringsArray = Object.assign([...pieces], { raw: [...pieces] });
  return strings;
}

const shells = [
  ['/bin/sh (dash)', new LocalAdapter()],
  ['bash', new LocalAdapter({ shell: '/bin/bash' })],
] as const;
afterAll(() => Promise.all(shells.map(([, adapter]) => adapter.dispose())));

describe.each(shells)('quoting under %s', (_name, adapter) => {
  const $ = createShell({ adapter });
  let cases = 0;

  async function printsExactly(values: readonly string[]): Promise<boolean> {
    cases += values.length;
    const output = await $(script(values), ...values);
    const printed = output.stdout.split('\0');
    expect(printed.pop()).toBe('');
    expect(printed).toEqual(values);
    return true;
  }

  it('prints the fixed edge cases exactly', async () => {
    await printsExactly(EDGE_CASES);
  });

  it(`prints ${RUNS * BATCH} arbitrary strings exactly, each as one argument`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: BATCH, maxLength: BATCH }), printsExactly),
      { numRuns: RUNS },
    );
    expect(cases).toBeGreaterThanOrEqual(RUNS * BATCH);
  });

  it('keeps each array element one argument', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(value, { maxLength: 50 }), async (values) => {
        const output = await $`printf '%s\\0' ${values}`;
        const printed = output.stdout.split('\0');
        printed.pop();
        // printf with no argument still runs its format once, printing one empty field.
        expect(printed).toEqual(values.length === 0 ? [''] : values);
      }),
      { numRuns: 20 },
    );
  });
});
