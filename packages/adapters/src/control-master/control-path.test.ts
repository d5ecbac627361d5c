import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { ControlMasterAdapter } from './control-master-adapter.js';
import { normalizeControlMasterOptions } from './control-master-options.js';
import {
  controlPathTemplate,
  defaultControlDir,
  expandControlPath,
  MAX_CONTROL_PATH_BYTES,
  prepareControlDir,
  removeStaleSocket,
  validateControlPathLength,
} from './control-path.js';

describe('control socket paths', () => {
  it('defaults to <private dir>/<credential tag>-%C, which stays short whatever the host name', () => {
    const options = normalizeControlMasterOptions({ host: `${'very-long-host-name.'.repeat(10)}example.com`, username: 'u'.repeat(60) });
    const template = controlPathTemplate(options, '/tmp/rexec-cm-0');
    expect(template).toMatch(/^\/tmp\/rexec-cm-0\/[0-9a-f]{8}-%C$/);
    expect(() => validateControlPathLength(expandControlPath(template, options))).not.toThrow();
  });

  it('gives different credentials different sockets', () => {
    const a = controlPathTemplate(normalizeControlMasterOptions({ host: 'h', privateKey: '/k/a' }), '/d');
    const b = controlPathTemplate(normalizeControlMasterOptions({ host: 'h', privateKey: '/k/b' }), '/d');
    expect(a).not.toBe(b);
  });

  it('falls back to /tmp when the temp dir is too long for a socket', () => {
    expect(defaultControlDir('/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T', 501)).toBe('/tmp/rexec-cm-501');
    expect(defaultControlDir('/tmp', 1000)).toBe('/tmp/rexec-cm-1000');
  });

  it('expands %r@%h:%p like OpenSSH', () => {
    const options = normalizeControlMasterOptions({ host: 'db.example.com', port: 2222, username: 'deploy' });
    expect(expandControlPath('/s/%r@%h:%p %%', options)).toBe('/s/deploy@db.example.com:2222 %');
    expect(() => expandControlPath('/s/%q', options)).toThrow(ConfigError);
  });

  it('rejects a path over the socket limit before anything runs', () => {
    const long = `/tmp/${'d'.repeat(MAX_CONTROL_PATH_BYTES)}/%r@%h:%p`;
    // sshPath does not exist: the error must come from the constructor, before any ssh is spawned.
    const create = () => new ControlMasterAdapter({ host: 'example.com', controlPath: long, sshPath: '/nonexistent/ssh' });
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(/at most 86/);
  });

  it('rejects a short %r@%h:%p template that a long host name makes too long, before anything runs', () => {
    const host = `${'a-very-long-host-name.'.repeat(4)}example.com`;
    const create = () => new ControlMasterAdapter({ host, username: 'deploy', controlPath: '/tmp/%r@%h:%p', sshPath: '/nonexistent/ssh' });
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(host);
    // The same host is fine with the default path (%C).
    expect(() => new ControlMasterAdapter({ host, username: 'deploy', sshPath: '/nonexistent/ssh' })).not.toThrow();
  });

  it('removes a stale socket, but refuses to delete a file or directory found at the path', async () => {
    const dir = mkdtempSync(join('/tmp', 'rexec-cp-'));
    try {
      // A socket file nobody listens on: node unlinks the path it listened on, so keep a second link to it.
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(join(dir, 'live'), resolve));
      linkSync(join(dir, 'live'), join(dir, 'stale'));
      await new Promise((resolve) => server.close(resolve));
      await removeStaleSocket(join(dir, 'stale'));
      expect(existsSync(join(dir, 'stale'))).toBe(false);
      await expect(removeStaleSocket(join(dir, 'absent'))).resolves.toBeUndefined();
      writeFileSync(join(dir, 'file'), 'keep me');
      mkdirSync(join(dir, 'dir'));
      await expect(removeStaleSocket(join(dir, 'file'))).rejects.toThrow(/is a regular file.*choose another controlPath/);
      await expect(removeStaleSocket(join(dir, 'dir'))).rejects.toThrow(ConfigError);
      expect(existsSync(join(dir, 'file')) && existsSync(join(dir, 'dir'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates the default directory 0700 and refuses one that others can enter', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'rexec-cp-'));
    try {
      const dir = join(parent, 'private');
      await prepareControlDir(join(dir, 'sock'), true);
      chmodSync(dir, 0o755);
      await expect(prepareControlDir(join(dir, 'sock'), true)).rejects.toThrow(/mode 0700/);
      await expect(prepareControlDir(join(dir, 'sock'), false)).resolves.toBeUndefined(); // a user-given dir is the user's call
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
