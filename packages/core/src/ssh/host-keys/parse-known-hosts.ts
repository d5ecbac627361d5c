/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  /** `@revoked` or `@cert-authority` when the line has that marker. */
  readonly marker: 'revoked' | 'cert-authority' | undefined;
  /** The host field as written: `host,host2`, `[host]:2222`, a wildcard pattern, or a hashed `|1|salt|hash`. */
  readonly hosts: string;
  readonly keyType: string;
  /** The key blob (base64-decoded). */
  readonly key: Buffer;
  /** 1-based line number, for messages. */
  readonly line: number;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses known_hosts text (OpenSSH `sshd(8)` "SSH_KNOWN_HOSTS FILE FORMAT"): `[marker] hosts keytype base64 [comment]`.
 * Comments, blank lines and malformed lines are skipped, as OpenSSH does.
 */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const fields = (lines[index] ?? '').trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) continue;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const name = fields.shift()?.slice(1);
      if (name !== 'revoked' && name !== 'cert-authority') continue;
      marker = name;
    }
    const [hosts, keyType, base64] = fields;
    if (hosts === undefined || keyType === undefined || base64 === undefined || !BASE64.test(base64)) continue;
    entries.push(Object.freeze({ marker, hosts, keyType, key: Buffer.from(base64, 'base64'), line: index + 1 }));
  }
  return entries;
}

/** The host field OpenSSH writes and looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** One known_hosts line for a host and key (plain, not hashed), ending with a newline. */
export function formatKnownHostsLine(host: string, port: number, keyType: string, key: Buffer): string {
  return `${knownHostsName(host, port)} ${keyType} ${key.toString('base64')}\n`;
}
