/**
 * Message texts of the SSH pooling layer (env defaults, the pool handle). Builders take names and ids,
 * never credentials. Error classes and their shared messages live in @rexec/adapters' errors module.
 */

export function badPoolEnvMessage(variable: string, value: string, expected: string): string {
  return `The environment variable ${variable} is ${JSON.stringify(value)}, expected ${expected}; fix or unset it (an explicit pool option overrides it)`;
}

export function notBorrowedMessage(target: string): string {
  return `release(conn) of the pool for ${target} was given something this pool did not lend (or it was already released); pass the connection acquire() returned, once`;
}

export function badWarmCountMessage(got: unknown): string {
  return `warmPool(n): n must be a non-negative integer, got ${typeof got === 'number' ? String(got) : typeof got}`;
}

export function borrowedChannelRefusedMessage(target: string): string {
  return `The server ${target} refused a new session channel on this borrowed connection (sshd MaxSessions reached); the command did not start. Run fewer commands at once on one borrowed connection, or use the $.ssh tag, which waits for a free channel`;
}
