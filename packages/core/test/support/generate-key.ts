import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GeneratedKey {
  readonly path: string;
  readonly text: string;
  readonly publicKey: string;
}

/** A real key pair made by `ssh-keygen` in `dir` (ed25519 unless `type`; PEM or PKCS8 via `format`). */
export function generateKey(
  dir: string,
  name: string,
  options: { passphrase?: string; type?: 'ed25519' | 'rsa' | 'ecdsa'; format?: 'PEM' | 'PKCS8' } = {},
): GeneratedKey {
  const path = join(dir, name);
  const args = ['-q', '-t', options.type ?? 'ed25519', '-N', options.passphrase ?? '', '-C', `rexec-test-${name}`, '-f', path];
  if (options.type === 'rsa') args.push('-b', '2048');
  if (options.format !== undefined) args.push('-m', options.format);
  execFileSync('ssh-keygen', args, { stdio: 'ignore' });
  return { path, text: readFileSync(path, 'utf8'), publicKey: readFileSync(`${path}.pub`, 'utf8') };
}
