/**
 * A fake `SshConnection` for the SSH pool's unit tests: commands are `sleep <ms>`-like specs that
 * finish after a timer, `exit <n>` exits with n, `maxSessions` refuses channels like sshd does.
 * The real transport is tested against OpenSSH sshd in test/ssh-pool/*.
 */
import { randomUUID } from 'node:crypto';
import type { ExecResult, ExecSpec } from '@rexec/adapters';
import { ConnectionError } from '@rexec/adapters';
import type { Client } from 'ssh2';
import type { SshConnection } from '../../connection/ssh-connection.js';
import { FakeChannelRefusedError } from './fake-connections.js';

export class FakeSshConnection implements SshConnection {
  readonly id: string;
  readonly target = 'me@fake:22';
  readonly client = { fake: true } as unknown as Client;
  readonly createdAt = Date.now();
  isOpen = true;
  openChannels = 0;
  closeCalls = 0;
  private readonly closeListeners: ((error: Error | undefined) => void)[] = [];
  private readonly running = new Set<() => void>();

  constructor(readonly maxSessions = Infinity) {
    this.id = `me@fake:22#${randomUUID().slice(0, 8)}`;
  }

  exec(spec: ExecSpec): Promise<ExecResult> {
    if (!this.isOpen) return Promise.reject(new ConnectionError('not connected', this.target));
    if (this.openChannels >= this.maxSessions) return Promise.reject(new FakeChannelRefusedError('open failed'));
    this.openChannels++;
    const sleep = /^sleep (\d+)$/.exec(spec.command);
    const exit = /^exit (\d+)$/.exec(spec.command);
    const result = (exitCode: number, stdout: string): ExecResult => ({
      stdout, stderr: '', exitCode, signal: null, timedOut: false, isCanceled: false, isMaxBuffer: false, duration: 1,
    });
    return new Promise<ExecResult>((resolve, reject) => {
      const lose = (): void => {
        clearTimeout(timer);
        this.openChannels--;
        reject(new ConnectionError('connection reset', this.target));
      };
      const timer = setTimeout(() => {
        this.running.delete(lose);
        this.openChannels--;
        if (exit !== null) resolve(result(Number(exit[1]), ''));
        else resolve(result(0, spec.command === 'echo ok' ? 'ok\n' : `ran ${spec.command}\n`));
      }, sleep === null ? 1 : Number(sleep[1]));
      this.running.add(lose);
    });
  }

  onClose(listener: (error: Error | undefined) => void): void {
    this.closeListeners.push(listener);
  }

  close(): Promise<void> {
    this.closeCalls++;
    this.end(undefined);
    return Promise.resolve();
  }

  /** The transport drops: running commands reject with ConnectionError, close listeners run. */
  drop(): void {
    this.end(new ConnectionError('connection reset', this.target));
  }

  private end(error: Error | undefined): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    for (const lose of this.running) lose();
    this.running.clear();
    for (const listener of this.closeListeners.splice(0)) listener(error);
  }
}
