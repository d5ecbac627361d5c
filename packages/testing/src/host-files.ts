import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf, generateKeyPair, keyWithoutComment, type KeyPair } from './keys.js';

/** The throwaway material of one test host, all inside one private temp dir. */
export interface HostFiles {
  readonly dir: string;
  readonly client: KeyPair;
  readonly hostKey: KeyPair;
  readonly hostKeyFingerprint: string;
  readonly authorizedKeysPath: string;
  readonly logPath: string;
}

/** Creates the temp dir (0700), a client key pair, a host key pair, and authorized_keys. */
export async function createHostFiles(prefix: string): Promise<HostFiles> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o700);
  const [client, hostKey] = await Promise.all([
    generateKeyPair(join(dir, 'id_ed25519'), 'rexec-test-client'),
    generateKeyPair(join(dir, 'ssh_host_ed25519_key'), 'rexec-test-host'),
  ]);
  const authorizedKeysPath = join(dir, 'authorized_keys');
  await writeFile(authorizedKeysPath, `${client.publicKey}\n`, { mode: 0o600 });
  const logPath = join(dir, 'server.log');
  await writeFile(logPath, '', { mode: 0o600 });
  return { dir, client, hostKey, hostKeyFingerprint: fingerprintOf(hostKey.publicKey), authorizedKeysPath, logPath };
}

/** Writes `known_hosts` naming the host as `[127.0.0.1]:port` (OpenSSH's form for a non-22 port). */
export async function writeKnownHosts(files: HostFiles, port: number): Promise<string> {
  const path = join(files.dir, 'known_hosts');
  await writeFile(path, `[127.0.0.1]:${port} ${keyWithoutComment(files.hostKey.publicKey)}\n`, { mode: 0o600 });
  return path;
}
