/**
 * Builds @rexec/core and what it depends on (`pnpm --filter @rexec/core... run build`) so that the
 * rexec peers measure the code in the tree, not a stale `dist`. A failed build does not stop the run
 * (the rexec rows then say why they are missing) but makes `pnpm bench` exit non-zero.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BuildOutcome {
  readonly ok: boolean;
  /** The tail of the build's output when it failed. */
  readonly detail: string;
  readonly seconds: number;
}

export function buildCore(): BuildOutcome {
  const started = performance.now();
  const result = spawnSync('pnpm', ['--filter', '@rexec/core...', 'run', 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status === 0) return { ok: true, detail: '', seconds };
  const output = `${result.stdout}\n${result.stderr}`.trim();
  const reason = result.error?.message ?? `exit ${String(result.status ?? result.signal)}`;
  return { ok: false, detail: `${reason}: ${output.slice(-1_500)}`, seconds };
}
