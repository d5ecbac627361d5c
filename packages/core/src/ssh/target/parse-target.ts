import { ConfigError } from '@rexec/adapters';
import { badTargetMessage } from '../messages.js';
import { validateHost, validatePort, validateUsername } from './validate-target-parts.js';

/** The parts a target string names; what it leaves out comes from `~/.ssh/config` and the defaults. */
export interface ParsedTarget {
  readonly host: string;
  readonly port?: number | undefined;
  readonly username?: string | undefined;
}

const URL_PREFIX = 'ssh://';

/**
 * Parses `host`, `user@host`, `host:port`, `user@host:port`, `[v6addr]:port` and `ssh://user@host:port`.
 * The user part ends at the last `@` (as in OpenSSH). A bare IPv6 address without brackets is a host with no port.
 * Anything else throws a `ConfigError` that quotes the string and shows the accepted forms.
 */
export function parseSshTarget(text: string): ParsedTarget {
  if (typeof text !== 'string') throw new ConfigError(badTargetMessage(String(text), 'it is not a string'), 'target');
  let rest = text.trim();
  if (rest === '') throw new ConfigError(badTargetMessage(text, 'it is empty'), 'target');
  if (rest.startsWith(URL_PREFIX)) rest = rest.slice(URL_PREFIX.length).replace(/\/$/, '');
  if (/\s/.test(rest)) throw new ConfigError(badTargetMessage(text, 'it contains whitespace'), 'target');

  const at = rest.lastIndexOf('@');
  const username = at === -1 ? undefined : rest.slice(0, at);
  const hostPort = at === -1 ? rest : rest.slice(at + 1);
  if (username !== undefined) validateUsername(username, text);

  const { host, port } = splitHostPort(hostPort, text);
  validateHost(host, text);
  return Object.freeze({ host, port, username });
}

function splitHostPort(hostPort: string, original: string): { host: string; port: number | undefined } {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) throw new ConfigError(badTargetMessage(original, 'an opening `[` has no closing `]`'), 'target');
    const host = hostPort.slice(1, close);
    const after = hostPort.slice(close + 1);
    if (after === '') return { host, port: undefined };
    if (!after.startsWith(':')) throw new ConfigError(badTargetMessage(original, `unexpected text after \`]\`: "${after}"`), 'target');
    return { host, port: parsePortText(after.slice(1), original) };
  }
  const colons = hostPort.split(':').length - 1;
  if (colons === 0) return { host: hostPort, port: undefined };
  if (colons > 1) return { host: hostPort, port: undefined };
  const colon = hostPort.indexOf(':');
  return { host: hostPort.slice(0, colon), port: parsePortText(hostPort.slice(colon + 1), original) };
}

function parsePortText(text: string, original: string): number {
  if (!/^\d+$/.test(text)) throw new ConfigError(badTargetMessage(original, `the port "${text}" is not a number`), 'target');
  return validatePort(Number(text), 'port', original);
}
