import { readFileSync } from 'node:fs';
import SSHConfig from 'ssh-config';
import { ConfigError } from '@rexec/adapters';
import { badOptionMessage, unreadableSshConfigMessage } from '../messages.js';
import { createFileCache, type FileCacheStats } from './file-cache.js';

/** What `~/.ssh/config` says about one host alias (raw: `~` and `%` tokens not yet expanded). */
export interface SshConfigEntry {
  readonly hostName: string | undefined;
  readonly user: string | undefined;
  readonly port: number | undefined;
  readonly identityFiles: readonly string[];
}

/** Reads a file as UTF-8, or returns undefined when it does not exist. Injectable for tests. */
export type ReadOptionalFile = (path: string) => string | undefined;

const EMPTY: SshConfigEntry = Object.freeze({ hostName: undefined, user: undefined, port: undefined, identityFiles: [] });

/**
 * Looks `alias` up in the SSH config file at `path` the way OpenSSH does: keywords are case-insensitive,
 * the first value obtained wins, wildcard `Host` blocks apply. A missing file means "no settings".
 * `Match exec` is never evaluated (no shell runs while options are read); `Include` is not followed.
 * The file is parsed once per process (again when it changed: file-cache.ts), not once per handle.
 */
export function resolveSshConfig(alias: string, path: string, readFile?: ReadOptionalFile): SshConfigEntry {
  const config = readFile === undefined ? readCachedSshConfig(path) : parseText(readOptionalSshConfig(path, readFile));
  if (config === undefined) return EMPTY;
  const computed = config.compute(alias, { ignoreCase: true, matchExec: false });
  return Object.freeze({
    hostName: first(computed['hostname']),
    user: first(computed['user']),
    port: parseConfigPort(first(computed['port']), path),
    identityFiles: Object.freeze(all(computed['identityfile'])),
  });
}

type ParsedSshConfig = ReturnType<typeof SSHConfig.parse>;

const parseText = (text: string | undefined): ParsedSshConfig | undefined => (text === undefined ? undefined : SSHConfig.parse(text));

/** Parsed SSH config files by path, read once per file (and again when it changed), not once per host of a group. */
const sshConfigFiles = createFileCache((bytes) => SSHConfig.parse(bytes.toString('utf8')));

/** How often each SSH config path was read from disk, for tests. */
export const sshConfigReadStats = (): FileCacheStats => sshConfigFiles.stats();

function readCachedSshConfig(path: string): ParsedSshConfig | undefined {
  try {
    return sshConfigFiles.getSync(path);
  } catch (error) {
    throw new ConfigError(unreadableSshConfigMessage(path, reasonOf(error)), 'sshConfig', { cause: error });
  }
}

/** The SSH config file's text, undefined when it does not exist; a `ConfigError` when it cannot be read. */
export function readOptionalSshConfig(path: string, readFile: ReadOptionalFile = readOptionalFile): string | undefined {
  try {
    return readFile(path);
  } catch (error) {
    throw new ConfigError(unreadableSshConfigMessage(path, reasonOf(error)), 'sshConfig', { cause: error });
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function all(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.filter((item) => item.toLowerCase() !== 'none') : value.toLowerCase() === 'none' ? [] : [value];
}

function parseConfigPort(text: string | undefined, path: string): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (/^\d+$/.test(text) && port >= 1 && port <= 65535) return port;
  throw new ConfigError(badOptionMessage('port', `${path} sets Port "${text}", which is not an integer from 1 to 65535`), 'port');
}

function readOptionalFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
