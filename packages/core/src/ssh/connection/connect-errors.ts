import { AuthenticationError, ConnectionError, type RexecError } from '@rexec/adapters';
import {
  authenticationFailedMessage,
  connectFailedMessage,
  connectionRefusedMessage,
  dnsFailureMessage,
  handshakeTimeoutMessage,
} from '../messages.js';
import type { ResolvedSshOptions } from '../options/ssh-options.js';

interface Ssh2ErrorLike {
  readonly message?: unknown;
  readonly code?: unknown;
  readonly level?: unknown;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);

/** Errors ssh2 emits during connect that are not fatal: it moves on to the next method. */
export function isNonFatalConnectError(error: unknown): boolean {
  return (error as Ssh2ErrorLike | undefined)?.level === 'agent';
}

/**
 * Turns what ssh2 or the socket reported during connect into a rexec error naming `user@host:port`:
 * refused, DNS failure, handshake timeout, authentication (with the methods tried), or another
 * `ConnectionError`. ssh2's own text is used only as a reason (it carries no credentials).
 */
export function toConnectError(
  error: unknown,
  resolved: ResolvedSshOptions,
  auth: { tried: readonly string[]; serverAccepts: () => readonly string[] },
): RexecError {
  const { target } = resolved;
  const info = (error ?? {}) as Ssh2ErrorLike;
  const code = typeof info.code === 'string' ? info.code : undefined;
  const message = typeof info.message === 'string' ? info.message : String(error);
  const options = { cause: error };
  if (info.level === 'client-authentication') {
    const accepts = auth.serverAccepts();
    const text = authenticationFailedMessage(target, auth.tried) + (accepts.length > 0 ? `; the server accepts: ${accepts.join(', ')}` : '');
    return new AuthenticationError(text, target, [...auth.tried], options);
  }
  if (code === 'ECONNREFUSED') return new ConnectionError(connectionRefusedMessage(target), target, options);
  if ((code !== undefined && DNS_CODES.has(code)) || info.level === 'client-dns') {
    return new ConnectionError(dnsFailureMessage(target, resolved.host), target, options);
  }
  if (info.level === 'client-timeout' && /handshake/i.test(message)) {
    return new ConnectionError(handshakeTimeoutMessage(target, resolved.readyTimeout), target, options);
  }
  const reason = code === 'ECONNRESET' ? 'the connection was reset during the handshake' : code === undefined ? message : `${message} (${code})`;
  return new ConnectionError(connectFailedMessage(target, reason), target, options);
}
