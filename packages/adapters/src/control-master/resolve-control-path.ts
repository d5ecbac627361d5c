import { ConfigError } from '../errors/index.js';
import type { ResolvedControlMasterOptions } from './control-master-options.js';
import { validateControlPathLength } from './control-path.js';
import { runSsh } from './run-ssh.js';
import { resolveConfigArgs } from './ssh-args.js';

/**
 * Asks `ssh -G` (which connects nowhere) for the ControlPath with every token expanded, as OpenSSH
 * will use it. Doubles as the check that the ssh binary exists and accepts the options.
 */
export async function resolveControlPath(options: ResolvedControlMasterOptions, template: string): Promise<string> {
  const run = await runSsh(options.sshPath, resolveConfigArgs(options, template), { timeout: options.checkTimeout, forceKillAfterDelay: 500 });
  if (run.spawnErrorCode !== undefined) {
    throw new ConfigError(
      `The OpenSSH client "${options.sshPath}" could not be run (${run.spawnErrorCode}); install OpenSSH's ssh (e.g. apt-get install openssh-client) or set the sshPath option`,
      'sshPath',
    );
  }
  if (run.exitCode !== 0) {
    throw new ConfigError(
      `"${options.sshPath} -G ${options.host}" rejected the configuration (exit ${String(run.exitCode)}): ${run.stderr.trim() || 'no message'}; check sshOptions and configFile`,
      'sshOptions',
    );
  }
  const line = run.stdout.split('\n').find((entry) => entry.toLowerCase().startsWith('controlpath '));
  const path = line?.slice('controlpath '.length).trim();
  if (path === undefined || path === '' || path === 'none') {
    throw new ConfigError(`"${options.sshPath} -G" reported no ControlPath; this ssh cannot multiplex`, 'controlPath');
  }
  validateControlPathLength(path);
  return path;
}
