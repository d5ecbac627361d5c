/**
 * The shape of the conformance table: each case runs on one transport and reports what it saw as plain
 * data; the runner compares that with the case's expected data, which is the same for every transport
 * unless the case says, with a reason, where one transport differs.
 */
import type { SshHostInfo } from '@rexec/testing';
import type { Shell } from '../../src/index.js';

/** The three ways a command runs: `$` (LocalAdapter), `$.ssh` on pooled ssh2, `$.ssh` through an OpenSSH ControlMaster. */
export type TransportName = 'local' | 'ssh2' | 'controlMaster';

export const TRANSPORT_NAMES: readonly TransportName[] = ['local', 'ssh2', 'controlMaster'];

/** What a case gets: the tag of one transport and what it needs around it. */
export interface CaseContext {
  readonly transport: TransportName;
  /** The command tag (`$`, or what `$.ssh(...)` returned). */
  readonly sh: Shell;
  /** What `ProcessOutput.target` says on this transport (`'local'` or `user@127.0.0.1:port`). */
  readonly target: string;
  /** An empty directory for this case, on this machine (which is also the SSH host). Its name holds a space and a quote. */
  readonly scratch: string;
  /** The harness host the SSH transports reach (this machine). */
  readonly host: SshHostInfo;
  /** Records `sleep` arguments the case starts, so the runner can kill leftovers when it fails. */
  readonly track: (...sleepArguments: string[]) => void;
  /**
   * The tag of this transport opened with these options: `$.ssh(target, { ...options })` for the SSH
   * transports (the same pool: the options shape the tag, not the connection); locally the same as `$.shell().pipefail()`.
   */
  readonly openWith: (options: { readonly shell?: string; readonly pipefail?: boolean }) => Shell;
}

/** What a case reports: plain values only, so a mismatch shows as a readable diff. */
export type Observation = Readonly<Record<string, unknown>>;

export interface ConformanceCase {
  readonly name: string;
  readonly run: (context: CaseContext) => Promise<Observation>;
  /** What every transport must report. */
  readonly expected: Observation;
  /** Fields a transport legitimately reports differently, and why. */
  readonly differs?: Partial<Record<TransportName, { readonly expected: Observation; readonly why: string }>>;
  /** When the case cannot apply to every transport: where it runs, and why not elsewhere. */
  readonly only?: { readonly transports: readonly TransportName[]; readonly why: string };
}

/** The expected observation of `testCase` on `transport`. */
export function expectedOn(testCase: ConformanceCase, transport: TransportName): Observation {
  return { ...testCase.expected, ...testCase.differs?.[transport]?.expected };
}

/** Whether `testCase` runs on `transport`. */
export function appliesTo(testCase: ConformanceCase, transport: TransportName): boolean {
  return testCase.only === undefined || testCase.only.transports.includes(transport);
}
