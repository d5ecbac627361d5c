import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entriesForHost } from './check-host-key.js';
import { indexKnownHosts, knownHostsIndexOf, lookupKnownHost } from './known-hosts-index.js';
import { parseKnownHosts } from './parse-known-hosts.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

const hashed = (name: string): string => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

const TEXT = [
  `web1,10.0.0.1 ${KEY}`,
  `[web1]:2222 ${KEY}`,
  `WEB2 ${KEY}`,
  `@revoked web2 ${KEY}`,
  `web* ${KEY}`,
  `*.corp,!bad.corp ${KEY}`,
  `@cert-authority web1 ${KEY}`,
  `${hashed('web3')} ${KEY}`,
  `${hashed('[web3]:2222')} ${KEY}`,
  `web1 ${KEY}`,
].join('\n');

describe('lookupKnownHost', () => {
  it('finds the same lines, in file order, as matching every line', () => {
    const entries = parseKnownHosts(TEXT);
    const index = indexKnownHosts(entries);
    const cases: [string, number][] = [
      ['web1', 22],
      ['web1', 2222],
      ['Web2', 22],
      ['web3', 22],
      ['web3', 2222],
      ['10.0.0.1', 22],
      ['x.corp', 22],
      ['bad.corp', 22],
      ['nowhere', 22],
    ];
    for (const [host, port] of cases) {
      const lines = (list: { line: number }[]) => list.map((entry) => entry.line);
      expect(lines(lookupKnownHost(index, host, port)), `${host}:${port}`).toEqual(lines(entriesForHost(entries, host, port)));
    }
    expect(lookupKnownHost(index, 'web1', 22).map((entry) => entry.line)).toEqual([1, 5, 10]);
  });

  it('parses a text once however many hosts look it up', () => {
    const text = `${TEXT}\n# ${randomBytes(8).toString('hex')}`;
    expect(knownHostsIndexOf(text)).toBe(knownHostsIndexOf(text));
    expect(knownHostsIndexOf(`${text}\n`)).not.toBe(knownHostsIndexOf(text));
  });
});
