/**
 * Command-line options of `pnpm bench`: `--quick` (about a minute, a smoke run for CI) and
 * `--no-docs` (do not rewrite docs/performance.md and docs/performance.svg after a full run),
 * `--no-build` (measure the @rexec/core `dist` as it is).
 */
export interface BenchOptions {
  readonly quick: boolean;
  /** Build @rexec/core (and @rexec/adapters) before measuring. */
  readonly build: boolean;
  /** Full runs write their figures into docs/; quick runs never do. */
  readonly updateDocs: boolean;
  readonly help: boolean;
}

const DEFAULTS: Readonly<BenchOptions> = Object.freeze({ quick: false, build: true, updateDocs: true, help: false });

export const USAGE = `usage: pnpm bench [--quick] [--no-docs] [--no-build]
  --quick     short run (about a minute): fewer samples, one round; never touches docs/
  --no-docs   full run without rewriting docs/performance.md and docs/performance.svg
  --no-build  do not build @rexec/core first; measure its dist as it is`;

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

export function normalizeBenchOptions(argv: readonly string[]): BenchOptions {
  let { quick, build, updateDocs, help } = DEFAULTS;
  // pnpm passes a literal `--` through when called as `pnpm bench -- --quick`.
  for (const arg of argv.filter((value) => value !== '--')) {
    if (arg === '--quick') quick = true;
    else if (arg === '--no-docs') updateDocs = false;
    else if (arg === '--no-build') build = false;
    else if (arg === '--help' || arg === '-h') help = true;
    else throw new BenchUsageError(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
  }
  return Object.freeze({ quick, build, updateDocs: updateDocs && !quick, help });
}
