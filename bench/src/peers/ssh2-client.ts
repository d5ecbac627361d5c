/**
 * Raw ssh2, the way a user of the library writes it: one `Client`, `exec` per command, stdout collected,
 * the exit code checked. With `noDelay` the TCP socket has Nagle's algorithm off (TCP_NODELAY), which
 * is what the floor measures; without it, ssh2's default socket.
 */
import { readFile } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { Client } from 'ssh2';
import type { TargetInfo } from '../child/protocol.js';

export interface RawConnectOptions {
  readonly noDelay: boolean;
  /** The client key (read once per peer, as a user's program would). */
  readonly privateKey: Buffer;
  readonly readyTimeoutMs?: number;
}

/** Reads the target's client key; peers call it once in `load`. */
export const readKey = (target: TargetInfo): Promise<Buffer> => readFile(target.privateKeyPath);

const openSocket = (target: TargetInfo, noDelay: boolean): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const sock = netConnect({ host: target.host, port: target.port });
    sock.once('error', reject);
    sock.once('connect', () => {
      sock.off('error', reject);
      if (noDelay) sock.setNoDelay(true);
      resolve(sock);
    });
  });

/** Connects and authenticates one ssh2 client; resolves once it is ready. */
export async function connectRaw(target: TargetInfo, options: RawConnectOptions): Promise<Client> {
  const sock = await openSocket(target, options.noDelay);
  const client = new Client();
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      sock.destroy();
      reject(error);
    };
    client.once('error', onError);
    client.once('ready', () => {
      client.off('error', onError);
      // A held connection must survive a later transport error without crashing the process.
      client.on('error', () => undefined);
      resolve(client);
    });
    client.connect({
      sock,
      username: target.username,
      privateKey: options.privateKey,
      readyTimeout: options.readyTimeoutMs ?? 20_000,
    });
  });
}

export interface RawExecOptions {
  /** Send EOF on stdin at once, as `$.ssh` does for a command without stdin. */
  readonly endStdin?: boolean | undefined;
  /** Write this to stdin, then EOF. */
  readonly stdin?: string | undefined;
  /** Resolve with stdout on a non-zero exit too. */
  readonly nothrow?: boolean | undefined;
}

/** A POSIX-shell single-quoted word. */
export const shellQuote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * The command line a raw client sends for `command` in `cwd`: `cd 'dir' || exit` on a line of its own, as
 * `$.ssh` does, so that the command's own `&`, `;` and `&&` mean what they mean alone (with
 * `cd dir && a & b`, the whole `cd && a` would go to the background, in a subshell that holds stdout).
 */
export const inDirectory = (command: string, cwd: string | undefined): string => (cwd === undefined ? command : `cd ${shellQuote(cwd)} || exit\n${command}`);

/**
 * Runs one command on a new channel; resolves with stdout on exit 0 (any exit with `nothrow`), rejects
 * otherwise. stderr is read and dropped.
 */
export function execRaw(client: Client, command: string, options: RawExecOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) {
        reject(error);
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.stderr.resume();
      if (options.stdin !== undefined) stream.end(options.stdin);
      else if (options.endStdin === true) stream.end();
      stream.once('close', (code: number | null, signal?: string) => {
        if (code === 0 || (options.nothrow === true && code !== null)) resolve(Buffer.concat(chunks).toString('utf8'));
        else reject(new Error(`exit ${String(code)}${signal === undefined ? '' : ` signal ${signal}`}`));
      });
    });
  });
}

/** Ends a client and resolves once its socket closed (bounded). */
export function endRaw(client: Client, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.end();
  });
}
