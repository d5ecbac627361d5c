/**
 * An ssh2 connection kept open across commands (for fault tests: a fault hits a live connection), with
 * strict host key checking against a known_hosts file: the entry for `[127.0.0.1]:port` must hold the key.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:net';
import ssh2 from 'ssh2';
import type { SshHostInfo } from '../src/index.js';

export interface Ssh2Connection {
  readonly client: ssh2.Client;
  /** Settles when the client emits 'close'; holds the first error it emitted before (if any). */
  readonly closed: Promise<Error | undefined>;
  readonly isClosed: () => boolean;
  /** Runs a command, stdin ended at once; resolves on the channel's close. */
  exec(command: string): Promise<{ stdout: string; code: number | null }>;
  end(): void;
}

export interface ConnectOptions {
  /** Default: the host's port. */
  readonly port?: number;
  /** Default: the host's known_hosts. */
  readonly knownHostsPath?: string;
  readonly readyTimeout?: number;
  /** Turn Nagle's algorithm off on the client's socket, as rexec does. Default false (ssh2's default). */
  readonly noDelay?: boolean;
}

/** The base64 key that `knownHostsPath` records for `[127.0.0.1]:port`, or undefined. */
export function knownKeyFor(knownHostsPath: string, port: number): string | undefined {
  for (const line of readFileSync(knownHostsPath, 'utf8').split('\n')) {
    const [pattern, , key] = line.trim().split(/\s+/);
    if (pattern === `[127.0.0.1]:${port}`) return key;
  }
  return undefined;
}

export function connectSsh2(host: SshHostInfo, options: ConnectOptions = {}): Promise<Ssh2Connection> {
  const port = options.port ?? host.port;
  const knownKey = knownKeyFor(options.knownHostsPath ?? host.knownHostsPath, port);
  const client = new ssh2.Client();
  let firstError: Error | undefined;
  let isClosed = false;
  const closed = new Promise<Error | undefined>((resolve) => {
    client.on('error', (error) => (firstError ??= error));
    client.on('close', () => {
      isClosed = true;
      resolve(firstError);
    });
  });
  const connection: Ssh2Connection = {
    client,
    closed,
    isClosed: () => isClosed,
    exec: (command) =>
      new Promise((resolve, reject) => {
        client.exec(command, (error, channel) => {
          if (error) return reject(error);
          let stdout = '';
          let code: number | null = null;
          channel.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
          channel.stderr.resume();
          channel.on('exit', (exitCode: number | null) => (code = exitCode));
          channel.on('close', () => resolve({ stdout, code }));
          channel.end();
        });
      }),
    end: () => client.end(),
  };
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve(connection));
    void closed.then((error) => reject(error ?? new Error('closed before ready')));
    const sock = options.noDelay === true ? connect({ host: '127.0.0.1', port, noDelay: true }) : undefined;
    client.connect({
      host: '127.0.0.1',
      port,
      ...(sock === undefined ? {} : { sock }),
      username: host.username,
      privateKey: host.privateKey,
      readyTimeout: options.readyTimeout ?? 10_000,
      hostVerifier: (key: Buffer) => key.toString('base64') === knownKey,
    });
  });
}

/** Resolves `promise`, or rejects after `ms` (a bounded wait for something that must happen). */
export async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every 20 ms for at most `ms`; returns its last answer. */
export async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await sleep(20);
  return condition();
}

/** Whether `promise` settles within `ms` (it is left running). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await sleep(ms);
  return settled;
}
