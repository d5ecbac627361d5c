import type { ExecSpec } from '../contract.js';
import { ConfigError } from '../errors/index.js';
import { isShellVariableName, quote } from './quote.js';

/**
 * The shell source of a remote command: `cd -- dir || exit`, then `export K='v' ...`, then the command on its
 * own line (so its `;`, comments and heredocs mean what they do locally). Remote adapters apply cwd and env
 * inside the command because SSH has no working-directory request and sshd's `AcceptEnv` usually refuses
 * env requests. Shared by the ControlMaster adapter and `@rexec/core`'s ssh2 transport.
 */
export function buildUserScript(spec: Pick<ExecSpec, 'command' | 'cwd' | 'env'>): string {
  if (spec.cwd === undefined && spec.env === undefined) return spec.command;
  const lines: string[] = [];
  if (spec.cwd !== undefined) lines.push(`cd -- ${quote(spec.cwd)} || exit`);
  const env = Object.entries(spec.env ?? {});
  for (const [name] of env) {
    if (!isShellVariableName(name)) {
      throw new ConfigError(`env name ${JSON.stringify(name)} is not a variable name a remote shell can export: use letters, digits and _, not starting with a digit`, 'env');
    }
  }
  if (env.length > 0) lines.push(`export ${env.map(([name, value]) => `${name}=${quote(value)}`).join(' ')}`);
  lines.push(spec.command);
  return lines.join('\n');
}
