/**
 * A parsed known_hosts file indexed by host name, so that each connect of a large fleet finds its host's
 * lines without matching every line (192 hosts × a 192-line file would be 37,000 matches, HMACs for hashed
 * lines). Lines naming plain hosts (`web1,10.0.0.1`, `[web1]:2222`) are found by name; the rest (hashed
 * `|1|…`, wildcards, `!negations`) are matched one by one as before. The result is `entriesForHost`'s.
 */
import { entriesForHost } from './check-host-key.js';
import { knownHostsName, parseKnownHosts, type KnownHostEntry } from './parse-known-hosts.js';

export interface KnownHostsIndex {
  /** Lines of plain names, under each (lower-cased) name they list. */
  readonly byName: ReadonlyMap<string, readonly KnownHostEntry[]>;
  /** Lines that need matching: hashed, wildcard or negated host fields. */
  readonly patterns: readonly KnownHostEntry[];
}

const isPlain = (hosts: string): boolean => !hosts.startsWith('|') && !/[*?!]/.test(hosts);

export function indexKnownHosts(entries: readonly KnownHostEntry[]): KnownHostsIndex {
  const byName = new Map<string, KnownHostEntry[]>();
  const patterns: KnownHostEntry[] = [];
  for (const entry of entries) {
    // As entriesForHost: @cert-authority lines never name a host's own key.
    if (entry.marker === 'cert-authority') continue;
    if (!isPlain(entry.hosts)) {
      patterns.push(entry);
      continue;
    }
    for (const name of new Set(entry.hosts.toLowerCase().split(','))) {
      const list = byName.get(name);
      if (list === undefined) byName.set(name, [entry]);
      else list.push(entry);
    }
  }
  return { byName, patterns };
}

/** The lines that name `host` on `port`, in file order: the same as `entriesForHost` over the whole file. */
export function lookupKnownHost(index: KnownHostsIndex, host: string, port: number): KnownHostEntry[] {
  const named = index.byName.get(knownHostsName(host.toLowerCase(), port)) ?? [];
  const matched = entriesForHost(index.patterns, host, port);
  if (matched.length === 0) return [...named];
  return [...named, ...matched].sort((a, b) => a.line - b.line);
}

const MEMO_SIZE = 16;
const memo = new Map<string, KnownHostsIndex>();

/**
 * The index of a known_hosts text, remembered for the last few texts: every connect of a fleet reads the
 * same (cached) text, so the file is parsed once, not once per host.
 */
export function knownHostsIndexOf(text: string): KnownHostsIndex {
  const known = memo.get(text);
  if (known !== undefined) return known;
  const index = indexKnownHosts(parseKnownHosts(text));
  memo.set(text, index);
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  return index;
}
