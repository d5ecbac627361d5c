/**
 * Command-line options of `pnpm bench`: `--quick` (about a minute, a smoke run for CI) and
 * `--no-docs` (do not rewrite docs/performance.md and docs/performance.svg after a full run),
 * `--no-build` (measure the @rexec/core `dist` as it is), `--only` (measure some sections only).
 */

/** The sections of a run, in the order they run and are reported. */
export const BENCH_SECTIONS = ['sequential', 'pauses', 'deploy', 'transfer', 'throughput', 'memory', 'pool', 'faults', 'fleet'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

export interface BenchOptions {
  readonly quick: boolean;
  /** Build @rexec/core (and @rexec/adapters) before measuring. */
  readonly build: boolean;
  /** Full runs of every section write their figures into docs/; quick and partial runs never do. */
  readonly updateDocs: boolean;
  /** The sections to measure: all of them unless `--only` names some. */
  readonly sections: readonly BenchSection[];
  readonly help: boolean;
}

const DEFAULTS: Readonly<BenchOptions> = Object.freeze({ quick: false, build: true, updateDocs: true, sections: BENCH_SECTIONS, help: false });

export const USAGE = `usage: pnpm bench [--quick] [--no-docs] [--no-build] [--only SECTION[,SECTION…]]
  --quick     short run (about a minute): fewer samples, one round; never touches docs/
  --no-docs   full run without rewriting docs/performance.md and docs/performance.svg
  --no-build  do not build @rexec/core first; measure its dist as it is
  --only      measure only these sections (${BENCH_SECTIONS.join(', ')}); never touches docs/`;

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

const isSection = (name: string): name is BenchSection => (BENCH_SECTIONS as readonly string[]).includes(name);

function parseSections(list: string | undefined): BenchSection[] {
  const names = (list ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) throw new BenchUsageError(`--only needs a section (${BENCH_SECTIONS.join(', ')})\n${USAGE}`);
  for (const name of names) {
    if (!isSection(name)) throw new BenchUsageError(`unknown section ${JSON.stringify(name)} (${BENCH_SECTIONS.join(', ')})\n${USAGE}`);
  }
  // In run order, once each.
  return BENCH_SECTIONS.filter((section) => names.includes(section));
}

export function normalizeBenchOptions(argv: readonly string[]): BenchOptions {
  let { quick, build, updateDocs, sections, help } = DEFAULTS;
  // pnpm passes a literal `--` through when called as `pnpm bench -- --quick`.
  const args = argv.filter((value) => value !== '--');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--quick') quick = true;
    else if (arg === '--no-docs') updateDocs = false;
    else if (arg === '--no-build') build = false;
    else if (arg === '--only') sections = parseSections(args[++i]);
    else if (arg.startsWith('--only=')) sections = parseSections(arg.slice('--only='.length));
    else if (arg === '--help' || arg === '-h') help = true;
    else throw new BenchUsageError(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
  }
  const partial = sections.length < BENCH_SECTIONS.length;
  return Object.freeze({ quick, build, updateDocs: updateDocs && !quick && !partial, sections: Object.freeze([...sections]), help });
}
