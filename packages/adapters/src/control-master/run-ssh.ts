import { loadExeca } from '../load-execa.js';
import { createTreeKiller } from '../local/process-group.js';

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

export interface RunSshOptions {
  readonly timeout: number;
  readonly forceKillAfterDelay: number;
  /**
   * Start ssh as the leader of a process group of its own, and end the whole group on timeout: for an ssh
   * that connects, so that a ProxyCommand that hangs is ended with it instead of being left behind. (The
   * master leaves the group once authenticated: OpenSSH daemonizes it.) The price: such an ssh is not
   * ended by execa's cleanup if this process exits while it runs; ConnectTimeout still bounds it.
   */
  readonly ownProcessGroup?: boolean;
}

/** Runs ssh to completion with stdin empty, bounded by `timeout`. Never rejects: callers decide what each outcome means. */
export async function runSsh(sshPath: string, args: readonly string[], options: RunSshOptions): Promise<SshRun> {
  const ownGroup = options.ownProcessGroup === true;
  const forceKillAfterDelay = Math.max(1, options.forceKillAfterDelay);
  const execa = await loadExeca();
  const subprocess = execa(sshPath, args, {
    stdin: 'ignore',
    reject: false,
    encoding: 'utf8',
    stripFinalNewline: true,
    ...(ownGroup ? { detached: true } : { timeout: options.timeout, forceKillAfterDelay }),
  });
  const pid = subprocess.pid;
  const killer = ownGroup && pid !== undefined ? createTreeKiller({ pid, killSignal: 'SIGTERM', forceKillAfterDelay }) : undefined;
  const timer = killer === undefined ? undefined : setTimeout(() => killer.kill('timeout'), options.timeout);
  try {
    const result = await subprocess;
    const code = (result as { code?: unknown }).code;
    const timedOut = result.timedOut || killer?.reason === 'timeout';
    return {
      exitCode: timedOut ? undefined : result.exitCode,
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : '',
      timedOut,
      spawnErrorCode: result.exitCode === undefined && !timedOut && typeof code === 'string' ? code : undefined,
    };
  } finally {
    clearTimeout(timer);
    killer?.dispose();
  }
}
