import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSshd } from '../src/find-sshd.js';
import { normalizeStartSshHostOptions } from '../src/normalize-options.js';

describe('normalizeStartSshHostOptions', () => {
  it('applies defaults', () => {
    expect(normalizeStartSshHostOptions({ env: {} })).toMatchObject({ kind: 'auto', requireOpenSsh: false, maxSessions: 10, maxStartups: '100:30:200' });
  });

  it('lets REXEC_TEST_SSHD choose the kind when the caller did not', () => {
    expect(normalizeStartSshHostOptions({ env: { REXEC_TEST_SSHD: 'openssh' } })).toMatchObject({ kind: 'openssh', requireOpenSsh: true });
    expect(normalizeStartSshHostOptions({ env: { REXEC_TEST_SSHD: 'embedded' } }).kind).toBe('embedded');
    expect(normalizeStartSshHostOptions({ kind: 'embedded', env: { REXEC_TEST_SSHD: 'openssh' } }).kind).toBe('embedded');
  });

  it('rejects unknown keys and bad values, naming them', () => {
    expect(() => normalizeStartSshHostOptions({ maxSesions: 3 } as never)).toThrow(/maxSesions/);
    expect(() => normalizeStartSshHostOptions({ env: { REXEC_TEST_SSHD: 'dropbear' } })).toThrow(/REXEC_TEST_SSHD=dropbear/);
    expect(() => normalizeStartSshHostOptions({ maxSessions: 0, env: {} })).toThrow(/maxSessions/);
    expect(() => normalizeStartSshHostOptions({ maxStartups: 'lots', env: {} })).toThrow(/maxStartups/);
    expect(() => normalizeStartSshHostOptions({ extraConfig: ['A b\nC d'], env: {} })).toThrow(/newlines/);
  });
});

describe('findSshd', () => {
  it('prefers an executable sshd on PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rexec-find-sshd-'));
    try {
      writeFileSync(join(dir, 'sshd'), '#!/bin/sh\n');
      chmodSync(join(dir, 'sshd'), 0o755);
      expect(findSshd({ PATH: dir })).toBe(join(dir, 'sshd'));
      chmodSync(join(dir, 'sshd'), 0o644);
      expect(findSshd({ PATH: dir })).not.toBe(join(dir, 'sshd'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
