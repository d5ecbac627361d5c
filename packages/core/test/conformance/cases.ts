/**
 * The shared table of command-semantics cases run over every transport (conformance.test.ts), and the
 * runner that gives each case a fresh scratch directory and ends whatever a failing case left running.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandCases, lostSessionRetryCases } from './cases-commands.js';
import { exitCases, lostSessionCases } from './cases-exit.js';
import { inputCases } from './cases-input.js';
import { terminationCases } from './cases-termination.js';
import { killLeftovers } from './processes.js';
import type { CaseContext, ConformanceCase, Observation } from './types.js';

export const conformanceCases: readonly ConformanceCase[] = [
  ...exitCases,
  ...inputCases,
  ...terminationCases,
  ...commandCases,
  ...lostSessionCases,
  ...lostSessionRetryCases,
];

/** A case that takes longer has failed: its command was not ended (the leftovers are killed, which unblocks it). */
const CASE_DEADLINE_MS = 8000;

/** Runs one case with a fresh scratch directory; afterwards kills any `sleep` it tracked that is still alive. */
export async function runCase(testCase: ConformanceCase, context: Omit<CaseContext, 'scratch' | 'track'>): Promise<Observation> {
  const scratch = await realpath(await mkdtemp(join(tmpdir(), "rexec conformance 'q' ")));
  const tracked: string[] = [];
  let deadline: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>((_, reject) => {
    deadline = setTimeout(() => reject(new Error(`the case did not finish within ${CASE_DEADLINE_MS} ms (a command was not ended?)`)), CASE_DEADLINE_MS);
  });
  try {
    return await Promise.race([testCase.run({ ...context, scratch, track: (...sleepArguments) => void tracked.push(...sleepArguments) }), overdue]);
  } finally {
    clearTimeout(deadline);
    await killLeftovers(tracked);
    await rm(scratch, { recursive: true, force: true });
  }
}
