import { isIP } from 'node:net';

/**
 * True for addresses that never leave the machine: 127.0.0.0/8, ::1, ::ffff:127.x.x.x and `localhost`.
 * The fault tools only ever talk to such addresses, so a mistyped option cannot send test traffic out.
 */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./i.test(host);
  return false;
}

/** Throws a TypeError naming `what` when `host` is not a loopback address. */
export function requireLoopback(what: string, host: string): void {
  if (!isLoopback(host)) throw new TypeError(`${what} must be a loopback address (127.x.x.x, ::1 or localhost), got ${JSON.stringify(host)}`);
}
