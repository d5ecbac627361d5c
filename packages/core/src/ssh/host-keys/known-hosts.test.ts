import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKey } from '../../../test/support/generate-key.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { checkHostKey, entriesForHost, preferredHostKeyAlgorithms } from './check-host-key.js';
import { keyTypeOf, sha256Fingerprint } from './fingerprint.js';
import { globMatch, matchesKnownHost } from './match-known-host.js';
import { formatKnownHostsLine, parseKnownHosts } from './parse-known-hosts.js';

const dir = tempDir();
const ed = generateKey(dir, 'host_ed25519');
const other = generateKey(dir, 'other_ed25519');
const rsa = generateKey(dir, 'host_rsa', { type: 'rsa' });
const blobOf = (publicKey: string): Buffer => Buffer.from(publicKey.split(' ')[1]!, 'base64');
const edBlob = blobOf(ed.publicKey);
const otherBlob = blobOf(other.publicKey);
const rsaBlob = blobOf(rsa.publicKey);
const keyPart = (publicKey: string): string => publicKey.split(' ').slice(0, 2).join(' ');

describe('fingerprint', () => {
  it('matches ssh-keygen -l', () => {
    const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${ed.path}.pub`], { encoding: 'utf8' });
    expect(printed).toContain(sha256Fingerprint(edBlob));
    expect(keyTypeOf(edBlob)).toBe('ssh-ed25519');
    expect(keyTypeOf(rsaBlob)).toBe('ssh-rsa');
    expect(keyTypeOf(Buffer.alloc(2))).toBe('unknown');
  });
});

describe('parseKnownHosts', () => {
  it('reads entries with markers and skips comments, blanks and junk', () => {
    const text = `# comment\n\nweb1,10.0.0.1 ${keyPart(ed.publicKey)} c\n@revoked * ${keyPart(rsa.publicKey)}\n@bogus x ssh-ed25519 AAAA\nbroken line\n`;
    const entries = parseKnownHosts(text);
    expect(entries.map((e) => [e.marker, e.hosts, e.keyType, e.line])).toEqual([
      [undefined, 'web1,10.0.0.1', 'ssh-ed25519', 3],
      ['revoked', '*', 'ssh-rsa', 4],
    ]);
    expect(entries[0]!.key.equals(edBlob)).toBe(true);
  });

  it('writes lines OpenSSH reads back', () => {
    expect(formatKnownHostsLine('h', 22, 'ssh-ed25519', edBlob)).toBe(`h ${keyPart(ed.publicKey)}\n`);
    expect(formatKnownHostsLine('h', 2222, 'ssh-ed25519', edBlob)).toMatch(/^\[h\]:2222 /);
  });
});

describe('matchesKnownHost', () => {
  it('matches plain names, lists, [host]:port, wildcards and negations', () => {
    expect(matchesKnownHost('web1,10.0.0.1', '10.0.0.1', 22)).toBe(true);
    expect(matchesKnownHost('web1', 'WEB1', 22)).toBe(true);
    expect(matchesKnownHost('web1', 'web1', 2222)).toBe(false);
    expect(matchesKnownHost('[web1]:2222', 'web1', 2222)).toBe(true);
    expect(matchesKnownHost('*.example.com,!bad.example.com', 'a.example.com', 22)).toBe(true);
    expect(matchesKnownHost('*.example.com,!bad.example.com', 'bad.example.com', 22)).toBe(false);
    expect(globMatch('web?', 'web1')).toBe(true);
    expect(globMatch('web.1', 'webx1')).toBe(false);
  });

  it('matches entries hashed by ssh-keygen -H, for port 22 and other ports', () => {
    const file = join(dir, 'hashed_known_hosts');
    writeFileSync(file, `web1 ${keyPart(ed.publicKey)}\n[127.0.0.1]:2222 ${keyPart(ed.publicKey)}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const hosts = parseKnownHosts(readFileSync(file, 'utf8')).map((entry) => entry.hosts);
    expect(hosts.every((h) => h.startsWith('|1|'))).toBe(true);
    expect(matchesKnownHost(hosts[0]!, 'web1', 22)).toBe(true);
    expect(matchesKnownHost(hosts[0]!, 'web2', 22)).toBe(false);
    expect(matchesKnownHost(hosts[1]!, '127.0.0.1', 2222)).toBe(true);
    expect(matchesKnownHost(hosts[1]!, '127.0.0.1', 22)).toBe(false);
  });
});

describe('checkHostKey', () => {
  const entries = parseKnownHosts(
    [`web1 ${keyPart(ed.publicKey)}`, `web2 ${keyPart(rsa.publicKey)}`, `@revoked * ${keyPart(other.publicKey)}`, `@cert-authority *.corp ${keyPart(ed.publicKey)}`].join('\n'),
  );
  const forHost = (host: string) => entriesForHost(entries, host, 22);

  it('trusts the recorded key and knows nothing of other hosts', () => {
    expect(checkHostKey(forHost('web1'), edBlob)).toEqual({ kind: 'trusted' });
    expect(checkHostKey(forHost('web3'), edBlob)).toEqual({ kind: 'unknown' });
    expect(checkHostKey(forHost('x.corp'), edBlob)).toEqual({ kind: 'unknown' });
  });

  it('calls a different key, or only keys of another type, changed, listing the recorded fingerprints', () => {
    expect(checkHostKey(forHost('web1'), rsaBlob)).toEqual({ kind: 'changed', expected: [{ keyType: 'ssh-ed25519', fingerprint: sha256Fingerprint(edBlob) }] });
    expect(checkHostKey(forHost('web2'), edBlob)).toEqual({ kind: 'changed', expected: [{ keyType: 'ssh-rsa', fingerprint: sha256Fingerprint(rsaBlob) }] });
  });

  it('refuses a @revoked key', () => {
    expect(checkHostKey(forHost('web1'), otherBlob)).toEqual({ kind: 'revoked' });
  });

  it('prefers the host key algorithms already recorded for the host', () => {
    expect(preferredHostKeyAlgorithms(forHost('web2'))).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(preferredHostKeyAlgorithms(forHost('web1'))).toEqual(['ssh-ed25519']);
    expect(preferredHostKeyAlgorithms(forHost('nowhere'))).toEqual([]);
  });
});
