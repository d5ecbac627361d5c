import ssh2 from 'ssh2';
import type { AuthContext, ParsedKey } from 'ssh2';

/** Parses the one client public key the embedded server accepts. */
export function parseClientKey(publicKeyLine: string): ParsedKey {
  const parsed = ssh2.utils.parseKey(publicKeyLine);
  if (parsed instanceof Error) throw new Error(`embedded ssh server: cannot parse the client key: ${parsed.message}`);
  return parsed;
}

/**
 * Publickey authentication for one user and one key, like sshd with one authorized_keys line:
 * a key query is answered yes, a signature must verify; every other method is refused.
 */
export function authenticate(ctx: AuthContext, username: string, allowed: ParsedKey, log: (line: string) => void): void {
  if (ctx.method !== 'publickey' || ctx.username !== username) {
    log(`auth refused: method ${ctx.method} for ${ctx.username}`);
    ctx.reject(['publickey']);
    return;
  }
  const sameKey = ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH());
  if (!sameKey) {
    log(`auth refused: unknown ${ctx.key.algo} key for ${ctx.username}`);
    ctx.reject(['publickey']);
    return;
  }
  if (ctx.signature === undefined || ctx.blob === undefined) {
    ctx.accept(); // "would this key do?" — yes; the client signs next
    return;
  }
  if (allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
    log(`auth refused: bad signature from ${ctx.username}`);
    ctx.reject(['publickey']);
    return;
  }
  log(`accepted publickey for ${ctx.username}`);
  ctx.accept();
}
