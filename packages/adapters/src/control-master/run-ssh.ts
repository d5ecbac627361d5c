import { execa } from 'execa';

/** How a short ssh invocation (`-G`, `-O check`, the master's start, a remote kill) ended. */
export interface SshRun {
  /** Undefined when ssh could not be started or was killed. */
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** `ENOENT`, `EACCES`... when the ssh binary could not be spawned. */
  readonly spawnErrorCode: string | undefined;
}

/**
 * Runs ssh to completion with stdin empty, bounded by `timeout` (SIGTERM, then SIGKILL after
 * `forceKillAfterDelay`). Never rejects: callers decide what each outcome means.
 */
export async function runSsh(sshPath: string, args: readonly string[], timeout: number, forceKillAfterDelay: number): Promise<SshRun> {
  const result = await execa(sshPath, args, {
    stdin: 'ignore',
    reject: false,
    timeout,
    forceKillAfterDelay: Math.max(1, forceKillAfterDelay),
    encoding: 'utf8',
    stripFinalNewline: true,
  });
  const code = (result as { code?: unknown }).code;
  return {
    exitCode: result.exitCode,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    timedOut: result.timedOut,
    spawnErrorCode: result.exitCode === undefined && !result.timedOut && typeof code === 'string' ? code : undefined,
  };
}
