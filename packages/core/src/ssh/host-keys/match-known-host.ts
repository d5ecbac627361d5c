import { createHmac, timingSafeEqual } from 'node:crypto';
import { knownHostsName } from './parse-known-hosts.js';

const HASH_PREFIX = '|1|';

/**
 * Whether a known_hosts host field names `host` on `port`: hashed `|1|salt|hash` entries (HMAC-SHA1 of
 * the name), comma-separated lists, `[host]:port` forms, `*`/`?` wildcards and `!negated` patterns.
 * Names compare case-insensitively.
 */
export function matchesKnownHost(hostsField: string, host: string, port: number): boolean {
  const name = knownHostsName(host.toLowerCase(), port);
  if (hostsField.startsWith(HASH_PREFIX)) return matchesHashed(hostsField, name);
  let matched = false;
  for (const raw of hostsField.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (!globMatch(pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function matchesHashed(field: string, name: string): boolean {
  const [salt64, hash64] = field.slice(HASH_PREFIX.length).split('|');
  if (salt64 === undefined || hash64 === undefined) return false;
  const expected = Buffer.from(hash64, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt64, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** `*` matches any run of characters, `?` exactly one; everything else literally. */
export function globMatch(pattern: string, text: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === text;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(text);
}
