import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';

const run = promisify(execFile);

export interface KeyPair {
  readonly privateKeyPath: string;
  readonly privateKey: string;
  /** One line: `ssh-ed25519 AAAA... comment`. */
  readonly publicKey: string;
}

function isMissingBinary(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

/**
 * Writes an unencrypted ed25519 key pair to `path` and `path.pub` (mode 0600), with `ssh-keygen`;
 * when `ssh-keygen` is not installed, with ssh2's generator (same OpenSSH format).
 */
export async function generateKeyPair(path: string, comment: string): Promise<KeyPair> {
  try {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { timeout: 10_000 });
  } catch (error) {
    if (!isMissingBinary(error)) throw error;
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    await writeFile(path, pair.private, { mode: 0o600 });
    await writeFile(`${path}.pub`, `${pair.public}\n`, { mode: 0o644 });
  }
  const [privateKey, publicKey] = await Promise.all([readFile(path, 'utf8'), readFile(`${path}.pub`, 'utf8')]);
  return { privateKeyPath: path, privateKey, publicKey: publicKey.trim() };
}

/** `SHA256:<base64, no padding>` of a public key line, as `ssh-keygen -l` and OpenSSH's messages print it. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (blob === undefined) throw new TypeError('fingerprintOf: not an OpenSSH public key line');
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** The `algo base64` part of a public key line, without its comment. */
export function keyWithoutComment(publicKeyLine: string): string {
  return publicKeyLine.trim().split(/\s+/).slice(0, 2).join(' ');
}
