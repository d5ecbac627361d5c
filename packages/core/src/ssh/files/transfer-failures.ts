/**
 * Failures of a transfer step before they become `TransferError`s (transfer-run.ts `explain`): one about the
 * local side (reading the source, writing the destination), and one a remote tool (tar) reported on stderr.
 */
import type { TransferProblem } from '@rexec/adapters';

/** An error about a local path (the source of an upload, the destination of a download). */
export class LocalFailure extends Error {
  constructor(
    readonly path: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'LocalFailure';
  }
}

/** A remote tool (tar) failed; `problem` is read from its stderr. */
export class ToolFailure extends Error {
  constructor(
    readonly problem: TransferProblem,
    reason: string,
  ) {
    super(reason);
    this.name = 'ToolFailure';
  }
}

/** The problem a tool's error output describes (GNU tar, bsdtar and busybox word them alike). */
export function problemOfToolOutput(stderr: string, writing: boolean): TransferProblem {
  if (/No space left on device|Disk quota exceeded/i.test(stderr)) return 'no-space';
  if (/Read-only file system/i.test(stderr)) return writing ? 'not-writable' : 'failed';
  if (/Permission denied|Operation not permitted/i.test(stderr)) return writing ? 'not-writable' : 'failed';
  if (/Not a directory/i.test(stderr)) return 'not-a-directory';
  if (/No such file or directory/i.test(stderr)) return 'not-found';
  return 'failed';
}
