import { isAbsolute, join } from 'node:path';

/** The values OpenSSH's `%` tokens and `~` stand for, for one connection. */
export interface TokenContext {
  readonly home: string;
  readonly localUser: string;
  readonly remoteUser: string;
  /** The final host name (`%h`). */
  readonly host: string;
  /** The name the user typed (`%n`). */
  readonly alias: string;
  readonly port: number;
}

/** Expands a leading `~` (or `~/`) to the home directory. `~otheruser` is left as written. */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

/**
 * Expands `~` and the OpenSSH tokens `%d %u %r %h %n %p %%` in an IdentityFile-like path.
 * A relative result is taken relative to the home directory, as OpenSSH does for IdentityFile.
 */
export function expandSshPath(path: string, context: TokenContext): string {
  const expanded = expandHome(path, context.home).replace(/%([%durhnp])/g, (_match, token: string) => {
    switch (token) {
      case 'd': return context.home;
      case 'u': return context.localUser;
      case 'r': return context.remoteUser;
      case 'h': return context.host;
      case 'n': return context.alias;
      case 'p': return String(context.port);
      default: return '%';
    }
  });
  return isAbsolute(expanded) ? expanded : join(context.home, expanded);
}

/** Expands `%h` (the alias) and `%%` in a HostName value. */
export function expandHostName(hostName: string, alias: string): string {
  return hostName.replace(/%([%h])/g, (_match, token: string) => (token === 'h' ? alias : '%'));
}
