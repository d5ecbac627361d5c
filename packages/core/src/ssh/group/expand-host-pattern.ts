/**
 * `$.ssh.group('web*')`: the hosts a `~/.ssh/config` pattern names. Every concrete name on a `Host` line of
 * the config (no `*`, `?` or `!`) that matches the pattern is one host, in the order the config lists them.
 * The pattern is an OpenSSH pattern list: `*` and `?` wildcards, commas between patterns, `!` to exclude
 * (`'web*,!web3'`). Each name is then resolved like any `$.ssh('web1')` (HostName, User, Port, IdentityFile).
 */
import { homedir } from 'node:os';
import { ConfigError } from '@rexec/adapters';
import SSHConfig, { LineType, type Line } from 'ssh-config';
import { expandHome } from '../config/expand-tokens.js';
import { readOptionalSshConfig, type ReadOptionalFile } from '../config/resolve-ssh-config.js';
import { SSH_DEFAULTS } from '../options/normalize-ssh-options.js';
import type { SshEnv } from '../options/ssh-options.js';
import { badHostPatternMessage, noHostMatchesMessage } from './group-messages.js';

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** True when `name` matches the OpenSSH pattern list (a `!` entry that matches excludes it). */
export function matchesPatternList(name: string, patternList: string): boolean {
  let matched = false;
  for (const raw of patternList.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const negated = entry.startsWith('!');
    if (globToRegExp(negated ? entry.slice(1) : entry).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function isConcrete(name: string): boolean {
  return name !== '' && !/[*?!]/.test(name);
}

/** The names on every `Host` line of the config text, in order, without duplicates. */
export function configHostNames(text: string): string[] {
  const names: string[] = [];
  const visit = (lines: Iterable<Line>): void => {
    for (const line of lines) {
      if (line.type !== LineType.DIRECTIVE) continue;
      if (line.param.toLowerCase() === 'host') {
        const values = typeof line.value === 'string' ? line.value.split(/\s+/) : line.value.map((part) => part.val);
        for (const value of values) if (isConcrete(value) && !names.includes(value)) names.push(value);
      }
      if ('config' in line) visit(line.config as Iterable<Line>);
    }
  };
  visit(SSHConfig.parse(text));
  return names;
}

/** The config's host names that `pattern` matches; a `ConfigError` when none does. */
export function expandHostPattern(pattern: string, env: SshEnv, path?: string, readFile?: ReadOptionalFile): string[] {
  if (pattern.trim() === '' || /\s/.test(pattern.trim())) throw new ConfigError(badHostPatternMessage(pattern), 'targets');
  const configPath = path ?? expandHome(SSH_DEFAULTS.sshConfig, env['HOME'] ?? homedir());
  const text = readOptionalSshConfig(configPath, readFile);
  const names = text === undefined ? [] : configHostNames(text).filter((name) => matchesPatternList(name, pattern.trim()));
  if (names.length === 0) throw new ConfigError(noHostMatchesMessage(pattern, configPath, text !== undefined), 'targets');
  return names;
}
