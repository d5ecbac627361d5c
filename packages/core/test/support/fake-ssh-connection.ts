/**
 * A fake `SshConnection` for the SSH pool's unit tests: `sleep <ms>` finishes after a timer, `exit <n>` exits
 * with n, anything else prints `ran <command>`. Like sshd it refuses a channel past `maxSessions`, and it may
 * keep counting a finished session for `sessionLag` ms. The real transport is tested against OpenSSH sshd in
 * test/ssh-pool/*.
 */
import { randomUUID } from 'node:crypto';
import type { ExecResult, ExecSpec } from '@rexec/adapters';
import { ConnectionError } from '@rexec/adapters';
import type { Client } from 'ssh2';
import type { SshConnection } from '../../src/ssh/connection/ssh-connection.js';

export class FakeChannelRefusedError extends Error {
  override readonly name = 'ChannelRefusedError';
}

export const isFakeRefusal = (error: unknown): boolean => error instanceof FakeChannelRefusedError;

export class FakeSshConnection implements SshConnection {
  readonly id: string;
  readonly target = 'me@fake:22';
  readonly client = { fake: true } as unknown as Client;
  readonly createdAt = Date.now();
  isOpen = true;
  /** Channels open as the server counts them (running, plus finished ones within `sessionLag`). */
  openChannels = 0;
  /** Commands running now, the most at once, and in all. */
  active = 0;
  peakActive = 0;
  commands = 0;
  closeCalls = 0;
  pings = 0;
  /** When false, pings never get a reply (a silent peer). */
  answersPings = true;
  private readonly closeListeners: ((error: Error | undefined) => void)[] = [];
  private readonly running = new Set<() => void>();

  constructor(
    readonly maxSessions = Infinity,
    readonly sessionLag = 0,
  ) {
    this.id = `me@fake:22#${randomUUID().slice(0, 8)}`;
  }

  exec(spec: ExecSpec): Promise<ExecResult> {
    if (!this.isOpen) return Promise.reject(new ConnectionError('not connected', this.target));
    if (this.openChannels >= this.maxSessions) return Promise.reject(new FakeChannelRefusedError('open failed'));
    this.openChannels++;
    this.commands++;
    this.active++;
    this.peakActive = Math.max(this.peakActive, this.active);
    const sleep = /^sleep (\d+)$/.exec(spec.command);
    const exit = /^exit (\d+)$/.exec(spec.command);
    const result = (exitCode: number, stdout: string): ExecResult => ({
      stdout, stderr: '', exitCode, signal: null, timedOut: false, isCanceled: false, isMaxBuffer: false, duration: 1,
    });
    return new Promise<ExecResult>((resolve, reject) => {
      const lose = (): void => {
        clearTimeout(timer);
        this.openChannels--;
        this.active--;
        reject(new ConnectionError('connection reset', this.target, { started: true }));
      };
      const timer = setTimeout(() => {
        this.running.delete(lose);
        this.active--;
        if (this.sessionLag > 0) setTimeout(() => this.openChannels--, this.sessionLag);
        else this.openChannels--;
        if (exit !== null) resolve(result(Number(exit[1]), ''));
        else resolve(result(0, spec.command === 'echo ok' ? 'ok\n' : `ran ${spec.command}\n`));
      }, sleep === null ? 1 : Number(sleep[1]));
      this.running.add(lose);
    });
  }

  /** Spares asked for (the fake opens none: every command costs what a fresh channel costs). */
  spareRequest: { count: number; budget: () => number } | undefined;
  readonly spareChannels = 0;

  keepSpareChannels(count: number, budget: () => number): void {
    this.spareRequest = { count, budget };
  }

  /** A channel opened outside exec (files, tunnels): counted until the returned function is called. */
  trackChannel(): () => void {
    this.openChannels++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.openChannels--;
    };
  }

  ping(): Promise<boolean> {
    this.pings++;
    if (!this.isOpen) return Promise.resolve(false);
    if (!this.answersPings) return new Promise<boolean>(() => undefined);
    return new Promise<boolean>((resolve) => setTimeout(() => resolve(this.isOpen), 1));
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
