import { isIP } from 'node:net';
import { isLoopback } from './loopback.js';
import type { SshHostKind, StartSshHostOptions } from './types.js';

export interface ResolvedStartSshHostOptions {
  readonly kind: 'auto' | SshHostKind;
  /** True when the caller (or `REXEC_TEST_SSHD=openssh`) demands OpenSSH: a missing sshd is an error. */
  readonly requireOpenSsh: boolean;
  readonly maxSessions: number;
  readonly maxStartups: string;
  readonly extraConfig: readonly string[];
  readonly extraAddresses: readonly string[];
  readonly sshdPath: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

const DEFAULTS = Object.freeze({ kind: 'auto', maxSessions: 10, maxStartups: '100:30:200', extraConfig: [] as string[] });
const KNOWN_KEYS = new Set(['kind', 'maxSessions', 'maxStartups', 'extraConfig', 'extraAddresses', 'sshdPath', 'env']);
const KINDS = new Set(['auto', 'openssh', 'embedded']);

/** Applies defaults and `REXEC_TEST_SSHD`; rejects unknown keys and bad values with a message naming them. */
export function normalizeStartSshHostOptions(options: StartSshHostOptions = {}): ResolvedStartSshHostOptions {
  const unknown = Object.keys(options).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) throw new TypeError(`startSshHost: unknown option(s) ${unknown.join(', ')}; known: ${[...KNOWN_KEYS].join(', ')}`);
  const env = options.env ?? process.env;
  const fromEnv = env['REXEC_TEST_SSHD']?.trim() ?? '';
  if (fromEnv !== '' && !KINDS.has(fromEnv)) {
    throw new TypeError(`REXEC_TEST_SSHD=${fromEnv} is not one of auto, openssh, embedded`);
  }
  let kind = options.kind ?? DEFAULTS.kind;
  if (!KINDS.has(kind)) throw new TypeError(`startSshHost: kind must be auto, openssh or embedded, got ${String(kind)}`);
  if (kind === 'auto' && fromEnv !== '') kind = fromEnv as 'auto' | SshHostKind;
  const maxSessions = options.maxSessions ?? DEFAULTS.maxSessions;
  if (!Number.isInteger(maxSessions) || maxSessions < 1) {
    throw new RangeError(`startSshHost: maxSessions must be a positive integer, got ${maxSessions}`);
  }
  const maxStartups = options.maxStartups ?? DEFAULTS.maxStartups;
  if (!/^\d+(:\d+:\d+)?$/.test(maxStartups)) {
    throw new TypeError(`startSshHost: maxStartups must look like 10 or 10:30:100, got ${maxStartups}`);
  }
  const extraConfig = options.extraConfig ?? DEFAULTS.extraConfig;
  if (extraConfig.some((line) => line.includes('\n'))) throw new TypeError('startSshHost: extraConfig lines must not contain newlines');
  const extraAddresses = options.extraAddresses ?? [];
  for (const address of extraAddresses) {
    if (isIP(address) !== 4 || !isLoopback(address)) throw new TypeError(`startSshHost: extraAddresses must be IPv4 loopback addresses (127.x.x.x), got ${JSON.stringify(address)}`);
  }
  if (extraAddresses.length > 0 && kind === 'embedded') throw new TypeError('startSshHost: extraAddresses needs OpenSSH sshd (kind: embedded listens on 127.0.0.1 only)');
  const sshdPath = options.sshdPath;
  if (sshdPath !== undefined && (typeof sshdPath !== 'string' || sshdPath === '')) throw new TypeError('startSshHost: sshdPath must be a path');
  return Object.freeze({ kind, requireOpenSsh: kind === 'openssh', maxSessions, maxStartups, extraConfig, extraAddresses, sshdPath, env });
}
