import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isSecret, Secret } from './secret.js';

describe('Secret', () => {
  it('prints as [redacted] everywhere and reveals only on request', () => {
    const secret = new Secret('s3cr3t-value');
    const outputs = [
      inspect(secret, { showHidden: true, depth: Infinity }),
      inspect({ nested: { secret } }, { showHidden: true, depth: Infinity }),
      JSON.stringify({ secret }),
      String(secret),
      `${String(secret)}`,
      [secret].join(','),
      inspect(Object.getOwnPropertyDescriptors(secret), { showHidden: true }),
    ];
    for (const output of outputs) expect(output).not.toContain('s3cr3t');
    expect(secret.reveal()).toBe('s3cr3t-value');
    expect(Object.keys(secret)).toEqual([]);
    expect(isSecret(secret)).toBe(true);
    expect(isSecret('x')).toBe(false);
  });

  it('hides Buffers too', () => {
    const secret = new Secret(Buffer.from('-----BEGIN OPENSSH PRIVATE KEY-----'));
    expect(inspect(secret, { showHidden: true })).not.toContain('BEGIN');
    expect(JSON.stringify(secret)).toBe('"[redacted]"');
  });
});
