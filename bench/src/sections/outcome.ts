/** Turns a child's outcome into the status part of a result row, and logs progress to stderr. */
import type { ChildOutcome } from '../child/run-child.js';
import type { PeerStatus } from '../report/results.js';

export type Log = (line: string) => void;

export const statusOf = (peer: string, label: string, outcome: ChildOutcome): PeerStatus => ({
  peer,
  label,
  status: outcome.status,
  reason: outcome.status === 'ok' ? undefined : outcome.reason,
  process: 'process' in outcome ? outcome.process : undefined,
  note: outcome.status === 'ok' ? outcome.note : undefined,
});

export const describe = (outcome: ChildOutcome): string =>
  outcome.status === 'ok' ? `ok (${(outcome.wallMs / 1000).toFixed(1)} s)` : `${outcome.status.toUpperCase()}: ${outcome.reason.slice(0, 300)}`;
