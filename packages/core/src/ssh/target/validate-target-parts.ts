import { ConfigError } from '@rexec/adapters';
import { badTargetMessage, badOptionMessage } from '../messages.js';

const HOST_PATTERN = /^[A-Za-z0-9_.%:-]+$/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_USER = /[\s:/\x00-\x1f\x7f]/;

/** Throws unless `host` is a plausible host name, alias, IPv4 or IPv6 address (no spaces, no leading `-`). */
export function validateHost(host: string, original?: string): void {
  let why: string | undefined;
  if (host === '') why = 'the host is empty';
  else if (host.startsWith('-')) why = `the host "${host}" starts with "-"`;
  else if (!HOST_PATTERN.test(host)) why = `the host "${host}" contains characters a host name cannot have`;
  if (why === undefined) return;
  throw new ConfigError(original === undefined ? badOptionMessage('host', why) : badTargetMessage(original, why), 'host');
}

/** Throws unless `username` is non-empty and free of whitespace, control characters, `:` and `/`. */
export function validateUsername(username: string, original?: string): void {
  let why: string | undefined;
  if (username === '') why = 'the user name is empty';
  else if (username.startsWith('-')) why = `the user name "${username}" starts with "-"`;
  else if (FORBIDDEN_IN_USER.test(username)) why = `the user name "${username}" contains whitespace, ":", "/" or a control character`;
  if (why === undefined) return;
  throw new ConfigError(original === undefined ? badOptionMessage('username', why) : badTargetMessage(original, why), 'username');
}

/** Returns `port` when it is an integer from 1 to 65535; throws a `ConfigError` naming `option` otherwise. */
export function validatePort(port: unknown, option: string, original?: string): number {
  if (typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535) return port;
  const why = `the port ${JSON.stringify(port) ?? String(port)} is not an integer from 1 to 65535`;
  throw new ConfigError(original === undefined ? badOptionMessage(option, why) : badTargetMessage(original, why), option);
}
