import type { AnyAuthMethod, AuthHandlerMiddleware, AuthenticationType, ParsedKey } from 'ssh2';
import type { ResolvedSshOptions } from '../options/ssh-options.js';

/** The names rexec reports in `AuthenticationError.methodsTried`. */
export type AuthMethodName = 'publickey' | 'agent' | 'password';

/** The order of authentication and what happened; credentials stay in the closure, never in ssh2's `config`. */
export interface AuthPlan {
  readonly handler: AuthHandlerMiddleware;
  /** Methods actually offered to the server, in order. */
  readonly tried: readonly AuthMethodName[];
  /** Methods the server said it accepts (from its last USERAUTH_FAILURE), for messages. */
  readonly serverAccepts: () => readonly string[];
}

/**
 * Tries, in order: the private key, then the agent's keys, then the password (each only when configured and
 * when the server still accepts that method). Secrets are handed to ssh2 per attempt, not via its connect config,
 * so they never sit on the `Client` object.
 */
export function createAuthPlan(resolved: ResolvedSshOptions, parsedKey: ParsedKey | undefined): AuthPlan {
  const { username } = resolved;
  const queue: Array<{ name: AuthMethodName; method: () => AnyAuthMethod }> = [];
  if (parsedKey !== undefined) queue.push({ name: 'publickey', method: () => ({ type: 'publickey', username, key: parsedKey }) });
  if (resolved.agent !== undefined) {
    const agent = resolved.agent;
    queue.push({ name: 'agent', method: () => ({ type: 'agent', username, agent }) });
  }
  const password = resolved.password;
  if (password !== undefined) queue.push({ name: 'password', method: () => ({ type: 'password', username, password: password.reveal() }) });

  const tried: AuthMethodName[] = [];
  let accepts: readonly string[] = [];
  const handler: AuthHandlerMiddleware = (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, next) => {
    if (methodsLeft !== null) accepts = methodsLeft;
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      const wire = item.name === 'agent' ? 'publickey' : item.name;
      if (methodsLeft !== null && !methodsLeft.includes(wire)) continue;
      tried.push(item.name);
      return next(item.method());
    }
    // ssh2 takes `false` for "no more methods"; its typings omit it.
    next(false as unknown as AuthenticationType);
  };
  return { handler, tried, serverAccepts: () => accepts };
}
