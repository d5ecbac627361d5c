/**
 * Conformance cases: what goes into a command — quoting, arrays, stdin, cwd, env — and bad input.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ProcessOutput } from '../../src/index.js';
import { settle } from './observe.js';
import type { ConformanceCase } from './types.js';

/** Values a shell would mangle unless each is quoted as one word. Printed back with `printf '%s\0'`. */
const HOSTILE = [
  "it's",
  "'",
  "''",
  '"double" "',
  'back\\slash\\',
  '\\n is not a newline',
  'line one\nline two',
  'trailing newline\n',
  '\r\n',
  'tab\there',
  '$(echo pwned)',
  '`echo pwned`',
  '${HOME} $HOME $0 $$ $1',
  '*',
  '?',
  '[a-z]*',
  '~',
  '~root/x',
  '-n',
  '-e',
  '--',
  '--help',
  '',
  ' ',
  '  leading and trailing  ',
  ';|&<>(){}!#',
  'a=b',
  '%s %d %% %b',
  'héllo wörld ☃ 日本語 🎉',
  '\u0001\u001b[31mred\u001b[0m\u007f',
];

/** stdout of `printf '%s\0' ...` split back into the words printed. */
function words(stdout: string): string[] {
  return stdout.split('\0').slice(0, -1);
}

/** Every byte value, many times over: more than one SSH window and pipe buffer. */
const BINARY = Buffer.from(Array.from({ length: 256 * 800 }, (_, index) => index % 256));
const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

export const inputCases: readonly ConformanceCase[] = [
  {
    name: 'each interpolated value is one word, printed back exactly (quotes, backslashes, newlines, $(), backticks, globs, dashes, empty, unicode)',
    run: async ({ sh, scratch }) => {
      await writeFile(join(scratch, 'a-file'), ''); // so an unquoted glob would match something
      return { words: words((await sh.cd(scratch)`printf '%s\\0' ${HOSTILE}`).stdout) };
    },
    expected: { words: HOSTILE },
  },
  {
    name: 'the same hostile values glued to literal text (x${value}y) stay one word',
    run: async ({ sh }) => {
      const runs = [];
      for (let at = 0; at < HOSTILE.length; at += 5) {
        const [a = '', b = '', c = '', d = '', e = ''] = HOSTILE.slice(at, at + 5);
        runs.push(sh`printf '%s\\0' x${a}y x${b}y x${c}y x${d}y x${e}y`);
      }
      const seen = (await Promise.all(runs)).flatMap((output) => words(output.stdout));
      return { seen: seen.slice(0, HOSTILE.length) };
    },
    expected: { seen: HOSTILE.map((value) => `x${value}y`) },
  },
  {
    name: 'arrays expand to one word per element (an empty array to none); numbers and results interpolate as text',
    run: async ({ sh }) => {
      const result = await sh`echo '  spaced name  '`;
      const [array, empty, interpolated, raw] = await Promise.all([
        sh`printf '<%s>' ${['a b', '', "c'd", 42, '*']}`,
        sh`printf '<%s>' ${[]} end`,
        sh`printf '[%s]' ${result}`,
        sh.raw`echo ${'a   b'} ${'$((1+2))'}`,
      ]);
      return { array: array.stdout, empty: empty.stdout, result: interpolated.stdout, raw: raw.stdout };
    },
    expected: { array: "<a b><><c'd><42><*>", empty: '<end>', result: '[spaced name]', raw: 'a b 3\n' },
  },
  {
    name: 'the command runs under /bin/sh, as locally (ssh2: the login shell)',
    run: async ({ sh }) => ({ shell: (await sh`printf '%s' "$0"`).stdout }),
    expected: { shell: '/bin/sh' },
    differs: {
      // Documented in docs/ssh.md, but not the same as local or ControlMaster: the ssh2 wrapper hands the
      // command to the remote login shell ($SHELL -c) while ControlMaster execs /bin/sh. So bash-isms work
      // over ssh2 only, and dialect details differ (bash's `echo 'a\nb'` prints a backslash, dash's a newline).
      // Chosen for speed: `exec /bin/sh -c` costs one more exec per command (+40 % latency on loopback).
      ssh2: { expected: { shell: basename(userInfo().shell ?? 'sh') }, why: 'ssh2 runs the command in the remote login shell (docs/ssh.md)' },
    },
  },
  {
    name: 'bad values are refused before anything reaches a shell',
    run: ({ sh }) => {
      const thrown = (make: () => unknown): string => {
        try {
          make();
          return 'nothing';
        } catch (error) {
          return error instanceof Error ? error.constructor.name : typeof error;
        }
      };
      return Promise.resolve({
        nul: thrown(() => sh`echo ${'a\0b'}`),
        undefinedValue: thrown(() => sh`echo ${undefined}`),
        badEnvName: thrown(() => sh`true`.env({ 'A-B': 'x' })),
        negativeTimeout: thrown(() => sh`true`.timeout(-1)),
      });
    },
    expected: { nul: 'TypeError', undefinedValue: 'TypeError', badEnvName: 'ConfigError', negativeTimeout: 'ConfigError' },
  },
  {
    name: 'stdin from a string, a Buffer (every byte value, 200 KiB) and a stream; without stdin, stdin is empty',
    run: async ({ sh }) => {
      const [string, buffer, stream, none] = await Promise.all([
        sh`cat`.stdin('line one\nlïne two\n'),
        sh`sha256sum`.stdin(BINARY),
        sh`cat`.stdin(Readable.from(['a', 'b\n', 'c'])),
        sh`cat; echo end`,
      ]);
      return { string: string.stdout, buffer: buffer.stdout, stream: stream.stdout, none: none.stdout };
    },
    expected: { string: 'line one\nlïne two\n', buffer: `${sha256(BINARY)}  -\n`, stream: 'ab\nc', none: 'end\n' },
  },
  {
    name: '.buffer() gives stdout byte for byte (every byte value, 200 KiB); stdout stays its UTF-8 text',
    run: async ({ sh }) => {
      const bytes = await sh`cat`.stdin(BINARY).buffer();
      const lossy = await sh`printf '\\377\\376'`;
      return { equal: bytes.equals(BINARY), length: bytes.length, lossyText: lossy.stdout, exact: [...lossy.buffer()] };
    },
    expected: { equal: true, length: BINARY.length, lossyText: '\ufffd\ufffd', exact: [0xff, 0xfe] },
  },
  {
    name: '.stdin() takes a ProcessOutput (its stdout bytes) and a Command (its stdout, streamed), started or not',
    run: async ({ sh }) => {
      const printed = await sh`cat`.stdin(BINARY);
      const fromOutput = await sh`sha256sum`.stdin(printed);
      const fromCommand = await sh`sha256sum`.stdin(sh`cat`.stdin(BINARY));
      const started = sh`printf 'ran before'`;
      await started;
      const fromStarted = await sh`cat`.stdin(started);
      return { fromOutput: fromOutput.stdout, fromCommand: fromCommand.stdout, fromStarted: fromStarted.stdout };
    },
    expected: { fromOutput: `${sha256(BINARY)}  -\n`, fromCommand: `${sha256(BINARY)}  -\n`, fromStarted: 'ran before' },
  },
  {
    name: '.pipe() streams stdout into the next command (3 MiB, three stages); the source\'s own stdout is then empty',
    run: async ({ sh }) => {
      const source = sh`head -c 3145728 /dev/zero`;
      const sum = await source.pipe(sh`cat`).pipe(sh`wc -c`);
      return { count: sum.stdout.trim(), sourceStdout: (await source).stdout };
    },
    expected: { count: '3145728', sourceStdout: '' },
  },
  {
    name: 'a pipe with a failing side rejects with that side\'s error and ends the other; the reader stopping early is not a failure',
    run: async ({ sh, target, track }) => {
      track('7');
      const sourceFails = await settle(sh`echo partial; exit 3`.pipe(sh`cat; sleep 7`), target);
      const readerFails = await settle(sh`yes`.pipe(sh`head -c 10 >/dev/null; exit 4`), target);
      const readerStops = await settle(sh`yes`.pipe(sh`head -n 2`), target);
      const ignored = await settle(sh`echo kept; exit 3`.nothrow().pipe(sh`cat`), target);
      return {
        sourceFails: [sourceFails.outcome, (sourceFails.output as ProcessOutput | undefined)?.command],
        readerFails: [readerFails.outcome, readerFails.output?.exitCode],
        readerStops: [readerStops.outcome, readerStops.output?.stdout],
        ignored: [ignored.outcome, ignored.output?.stdout],
      };
    },
    expected: {
      sourceFails: ['CommandError', 'echo partial; exit 3'],
      readerFails: ['CommandError', 4],
      readerStops: ['resolved', 'y\ny\n'],
      ignored: ['resolved', 'kept\n'],
    },
  },
  {
    name: '.cwd() and .cd() run the command in that directory (a name with a space and a quote); relative paths join the shell\'s',
    run: async ({ sh, scratch }) => {
      await mkdir(join(scratch, "sub dir's"));
      const printed = await Promise.all([sh`pwd`.cwd(scratch), sh.cd(scratch)`pwd`, sh.cd(scratch)`pwd`.cwd("sub dir's")]);
      const [command, shell, relative] = printed.map((output) => output.stdout.replace(scratch, '<scratch>'));
      return { command, shell, relative };
    },
    expected: { command: '<scratch>\n', shell: '<scratch>\n', relative: "<scratch>/sub dir's\n" },
  },
  {
    name: 'a cwd that does not exist rejects with an error naming the directory, and the command never runs',
    run: async ({ sh, scratch, target }) => {
      const missing = join(scratch, 'no such dir');
      const settled = await settle(sh`echo ran`.cwd(missing), target);
      return { outcome: settled.outcome, namesDirectory: settled.message?.includes(missing) === true, ran: settled.output?.stdout.includes('ran') === true };
    },
    expected: { outcome: 'CommandError', namesDirectory: true, ran: false },
    differs: {
      // LocalAdapter checks the directory before it spawns (execa would fail with a bare ENOENT otherwise).
      // Remote adapters cannot check without a round trip: `cd -- dir || exit` fails inside the command, with
      // cd's message (which names the directory) on stderr and a non-zero exit (docs/ssh.md, docs/control-master.md).
      local: { expected: { outcome: 'ConfigError' }, why: 'checked before spawning; remotely the cd inside the command fails' },
    },
  },
  {
    name: '.env() sets variables whose values hold spaces, quotes, $, backticks, backslashes, newlines and unicode; the command\'s win over the shell\'s',
    run: async ({ sh }) => {
      const values = { A: 'with  spaces', B: 'it\'s "quoted" $HOME `id` \\ $(id)\nsecond line', C: 'ünïcödé ☃', EMPTY: '' };
      const [printed, layered] = await Promise.all([
        sh`printf '%s\\0' "$A" "$B" "$C" "$EMPTY" "\${EMPTY-unset}"`.env(values),
        sh.env({ X: 'shell', Y: 'shell' })`printf '%s,%s' "$X" "$Y"`.env({ X: 'command' }),
      ]);
      return { printed: words(printed.stdout), layered: layered.stdout };
    },
    expected: { printed: ['with  spaces', 'it\'s "quoted" $HOME `id` \\ $(id)\nsecond line', 'ünïcödé ☃', '', ''], layered: 'command,shell' },
  },
];
