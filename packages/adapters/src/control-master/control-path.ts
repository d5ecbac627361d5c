import { createHash } from 'node:crypto';
import { access, constants, lstat, mkdir, rm } from 'node:fs/promises';
import { homedir, hostname, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors/index.js';
import type { ResolvedControlMasterOptions } from './control-master-options.js';

/**
 * `sun_path` holds 104 bytes on macOS and the BSDs (108 on Linux), NUL included, and OpenSSH first binds
 * the master socket at `<ControlPath>.<16 random characters>` before renaming it. So a ControlPath may
 * use at most 104 - 1 - 17 = 86 bytes, on every platform.
 */
export const MAX_CONTROL_PATH_BYTES = 86;

/** The private directory for default sockets: `<tmpdir>/rexec-cm-<uid>`, or `/tmp/...` when tmpdir is too long. */
export function defaultControlDir(tmp: string = tmpdir(), uid: number = process.getuid?.() ?? 0): string {
  const preferred = join(tmp, `rexec-cm-${uid}`);
  // 1 separator + 8-character credential tag + "-" + 40-character %C hash.
  return Buffer.byteLength(preferred) + 50 <= MAX_CONTROL_PATH_BYTES ? preferred : `/tmp/rexec-cm-${uid}`;
}

/**
 * A short hash of what authenticates the master. Two adapters for the same user@host:port but other
 * credentials get different sockets, so one never rides on a connection the other authenticated.
 */
export function credentialTag(options: ResolvedControlMasterOptions): string {
  const { privateKey, agent, knownHosts, hostKeyCheck, configFile, sshOptions } = options;
  const material = JSON.stringify([privateKey, agent, knownHosts, hostKeyCheck, configFile, sshOptions]);
  return createHash('sha256').update(material).digest('hex').slice(0, 8);
}

/** The ControlPath template: the user's, or `<private dir>/<tag>-%C` (%C: OpenSSH's 40-character hash). */
export function controlPathTemplate(options: ResolvedControlMasterOptions, dir: string = defaultControlDir()): string {
  return options.controlPath ?? join(dir, `${credentialTag(options)}-%C`);
}

/** What OpenSSH would make of the template's `%` tokens and `${VAR}`s (for a length check before ssh runs). */
export function expandControlPath(template: string, options: ResolvedControlMasterOptions, env: NodeJS.ProcessEnv = process.env): string {
  const local = userInfo().username;
  const fqdn = hostname();
  const tokens: Readonly<Record<string, string>> = {
    '%': '%',
    C: 'c'.repeat(40),
    d: homedir(),
    h: options.host,
    i: String(process.getuid?.() ?? 0),
    j: options.sshOptions['ProxyJump'] ?? '',
    k: options.host,
    L: fqdn.split('.')[0] ?? fqdn,
    l: fqdn,
    n: options.host,
    p: String(options.port ?? 22),
    r: options.username ?? local,
    u: local,
  };
  const withTokens = template.replace(/%(.)/g, (match, token: string) => {
    const value = tokens[token];
    if (value === undefined) throw new ConfigError(`controlPath uses %${token}, which OpenSSH does not expand in ControlPath; use %C, %h, %p, %r, %u, %l or %%`, 'controlPath');
    return value;
  });
  return withTokens.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => env[name] ?? '');
}

/** Throws `ConfigError` when a socket path cannot be bound (too long for a Unix socket). */
export function validateControlPathLength(expanded: string): void {
  const bytes = Buffer.byteLength(expanded);
  if (bytes <= MAX_CONTROL_PATH_BYTES) return;
  throw new ConfigError(
    `controlPath "${expanded}" is ${bytes} bytes; a Unix socket path for OpenSSH may have at most ${MAX_CONTROL_PATH_BYTES} ` +
      '(104-byte sun_path, minus the 17-character suffix ssh adds while binding). Use a shorter directory or %C, e.g. "~/.ssh/cm-%C"',
    'controlPath',
  );
}

function describeFsError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Makes sure the socket's directory exists and is writable. The default directory must also be private:
 * a directory, not a link, owned by this user, mode 0700 (else another user could swap the socket).
 */
export async function prepareControlDir(socketPath: string, isDefault: boolean): Promise<void> {
  const dir = dirname(socketPath);
  const option = isDefault ? 'controlPath (default directory)' : 'controlPath';
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new ConfigError(`The control socket directory "${dir}" is not writable (${describeFsError(error)}); choose another controlPath`, option, { cause: error });
  }
  if (!isDefault) return;
  const stat = await lstat(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) {
    throw new ConfigError(
      `The control socket directory "${dir}" must be a directory owned by you with mode 0700; remove it or set controlPath`,
      option,
    );
  }
}

/**
 * Removes a socket nobody answers on, so that a new master can bind the path. Anything else found there
 * (a file, a directory) is not ours to delete: a `ConfigError`, since no master could bind the path either.
 */
export async function removeStaleSocket(socketPath: string): Promise<void> {
  const found = await lstat(socketPath).catch(() => undefined);
  if (found === undefined) return;
  if (!found.isSocket()) {
    const what = found.isDirectory() ? 'a directory' : found.isFile() ? 'a regular file' : 'not a socket';
    throw new ConfigError(
      `The control socket path "${socketPath}" is ${what}, so no master can listen there; remove it, or choose another controlPath`,
      'controlPath',
    );
  }
  await rm(socketPath, { force: true });
}
