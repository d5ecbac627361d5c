import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import type { SshHostInfo } from '../src/index.js';

export interface Ssh2Result {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: string | null;
}

export interface Ssh2ExecOptions {
  readonly stdin?: string;
  readonly env?: Record<string, string>;
  /**
   * Called with each stdout chunk and the channel (e.g. to send a signal once the command started).
   * ssh2 only sends signals on a writable channel, so with this option stdin is not ended up front.
   */
  readonly onStdout?: (chunk: string, channel: ClientChannel) => void;
}

/** Connects with a plain ssh2 Client, checks the host key against the host's known_hosts line, runs one command. */
export function ssh2Exec(host: SshHostInfo, command: string, options: Ssh2ExecOptions = {}): Promise<Ssh2Result> {
  const knownKey = readFileSync(host.knownHostsPath, 'utf8').trim().split(/\s+/)[2];
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('error', reject);
    client.on('ready', () => {
      client.exec(command, options.env === undefined ? {} : { env: options.env }, (error, channel) => {
        if (error) {
          client.end();
          reject(error);
          return;
        }
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        let signal: string | null = null;
        channel.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          options.onStdout?.(chunk.toString(), channel);
        });
        channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
          code = exitCode;
          signal = exitSignal ?? null;
        });
        channel.on('close', () => {
          client.end();
          resolve({ stdout, stderr, code, signal });
        });
        if (options.onStdout === undefined) channel.end(options.stdin);
      });
    });
    client.connect({
      host: host.host,
      port: host.port,
      username: host.username,
      privateKey: host.privateKey,
      readyTimeout: 10_000,
      hostVerifier: (key: Buffer) => key.toString('base64') === knownKey,
    });
  });
}
