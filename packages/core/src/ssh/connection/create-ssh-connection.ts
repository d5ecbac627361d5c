import type { Socket } from 'node:net';
import { inspect } from 'node:util';
import type { Client } from 'ssh2';
import { canceledBeforeStart, ConnectionError, timedOutBeforeStart, type ExecResult, type ExecSpec, type KillReason } from '@rexec/adapters';
import { channelOpenTimeoutMessage, commandUnconfirmedMessage, connectionLostMessage, notConnectedMessage } from '../messages.js';
import { isChannelRefusedError } from './channel-refused-error.js';
import { killGroupCommand, wrapRemoteCommand, type RemoteSignal } from './command-wrapper.js';
import { startKeepalive } from './keepalive.js';
import { createChannelOpener, mayHaveStarted, type EarlyInput, type OpenProgress } from './open-exec-channel.js';
import { runOnChannel, type ChannelRunContext, type RunningCommand } from './run-on-channel.js';
import type { ExecOptions, SshConnection } from './ssh-connection.js';
import { sendKeepalive } from './ssh2-internals.js';

/** A command whose channel is being opened: how old it is, and how it fails if the open never completes. */
interface PendingOpen {
  readonly startedAt: number;
  readonly expire: (error: ConnectionError) => void;
}

/** Everything a live connection needs; built by `connectSsh` once the handshake and auth succeeded. */
export interface SshConnectionContext {
  readonly id: string;
  readonly target: string;
  readonly client: Client;
  /** The TCP socket under `client`: ref'd only while a channel is open. */
  readonly socket: Socket;
  readonly createdAt: number;
  readonly now: () => number;
  readonly keepaliveInterval: number;
  readonly keepaliveCountMax: number;
  readonly forceKillAfterDelay: number;
  readonly maxBuffer: number;
}

const KILL_CHANNEL_ATTEMPTS = 5;
/** Margin over a close's own bound (two waits of `forceKillAfterDelay`) for the timer that keeps the loop alive. */
const CLOSE_SLACK_MS = 1_000;

/** Wraps a ready ssh2 client as an `SshConnection` (see the interface for the contract). */
export function createSshConnection(ctx: SshConnectionContext): SshConnection {
  const { client, socket, target } = ctx;
  let open = true;
  let closeError: Error | undefined;
  let openChannels = 0;
  let refs = 0;
  let closing: Promise<void> | undefined;
  const listeners: Array<(error: Error | undefined) => void> = [];
  const running = new Set<RunningCommand>();
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  const retain = (): void => void (refs++ === 0 && socket.ref());
  const release = (): void => void (--refs === 0 && socket.unref());
  const lost = (reason: string, cause?: unknown): ConnectionError =>
    new ConnectionError(connectionLostMessage(target, reason), target, cause === undefined ? {} : { cause });

  const keepalive = startKeepalive({
    interval: ctx.keepaliveInterval,
    countMax: ctx.keepaliveCountMax,
    send: (onReply) => sendKeepalive(client, onReply),
    onDead: () => {
      closeError ??= lost(`no reply to ${ctx.keepaliveCountMax} keepalives in a row`);
      client.destroy();
    },
  });

  const markClosed = (): void => {
    if (!open) return;
    open = false;
    keepalive.stop();
    if (watchdog !== undefined) clearTimeout(watchdog);
    resolveClosed();
    for (const listener of listeners.splice(0)) {
      try {
        listener(closeError);
      } catch {
        // a throwing listener must not break the transport's close handling
      }
    }
  };
  client.on('error', (error: Error) => {
    closeError ??= lost(error.message, error);
    client.destroy();
  });
  client.on('close', () => {
    if (closing === undefined) closeError ??= lost('the server closed the connection');
    markClosed();
  });
  socket.unref();

  const opener = createChannelOpener({ client, target, now: ctx.now, isOpen: () => open, closeError: () => closeError, bytesRead: () => socket.bytesRead });

  const killGroup = (pgid: number, signal: RemoteSignal, attempt = 1): void => {
    if (!open) return;
    retain();
    opener.open(
      killGroupCommand(pgid, signal),
      (channel, inputSent) => {
        channel.on('error', () => undefined);
        channel.stderr.on('error', () => undefined);
        channel.on('close', () => {
          opener.noteChannelClosed();
          release();
        });
        channel.resume();
        channel.stderr.resume();
        if (!inputSent) channel.end();
      },
      undefined,
      null,
    ).then(
      () => undefined,
      (error: unknown) => {
        release();
        if (!isChannelRefusedError(error) || attempt >= KILL_CHANNEL_ATTEMPTS) return;
        setTimeout(() => killGroup(pgid, signal, attempt + 1), 100 * attempt).unref();
      },
    );
  };

  // Channels being opened, watched by one timer for the whole connection (not one per command).
  const pendingOpens = new Set<PendingOpen>();
  let watchdog: NodeJS.Timeout | undefined;
  let watchedTimeout = Infinity;
  const checkOpens = (): void => {
    watchdog = undefined;
    const now = ctx.now();
    let oldest = Infinity;
    for (const pending of pendingOpens) {
      if (now - pending.startedAt < watchedTimeout) {
        oldest = Math.min(oldest, pending.startedAt);
        continue;
      }
      closeError ??= lost(`no channel opened within ${watchedTimeout} ms`);
      const error = new ConnectionError(channelOpenTimeoutMessage(target, watchedTimeout), target, { cause: closeError });
      for (const expired of [...pendingOpens]) expired.expire(error);
      client.destroy();
      return;
    }
    if (oldest !== Infinity) armWatchdog(oldest + watchedTimeout - now);
  };
  const armWatchdog = (ms: number): void => {
    watchdog = setTimeout(checkOpens, Math.max(1, ms));
    watchdog.unref();
  };
  const watchOpen = (pending: PendingOpen, openTimeout: number | undefined): void => {
    if (openTimeout === undefined || !Number.isFinite(openTimeout)) return;
    watchedTimeout = openTimeout;
    pendingOpens.add(pending);
    if (watchdog === undefined) armWatchdog(openTimeout);
  };

  // One context for every command of this connection (not an object and closures per command).
  const runContext: ChannelRunContext = {
    target,
    now: ctx.now,
    maxBuffer: ctx.maxBuffer,
    forceKillAfterDelay: ctx.forceKillAfterDelay,
    transportOpen: () => open,
    transportError: () => closeError,
    killGroup,
  };

  const exec = (spec: ExecSpec, options: ExecOptions = {}): Promise<ExecResult> => {
    if (!open) return Promise.reject(new ConnectionError(notConnectedMessage(target), target, closeError === undefined ? {} : { cause: closeError }));
    // Aborted before it started: opening a channel would run it until the kill reached it.
    if (spec.signal?.aborted === true) return Promise.resolve(canceledBeforeStart());
    let command: string;
    try {
      command = wrapRemoteCommand(spec);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const openedAt = ctx.now();
    openChannels++;
    retain();
    return new Promise<ExecResult>((resolve, reject) => {
      // The command's deadline and abort hold while its channel opens, too. Given up on, a channel that opens
      // later runs its command killed at once.
      let givenUp: KillReason | undefined;
      let deadline: NodeJS.Timeout | undefined;
      const progress: OpenProgress = { execSent: false };
      const pending: PendingOpen = {
        startedAt: openedAt,
        // No channel within `openTimeout`: the transport is silent. It is closed; the command gets a ConnectionError
        // (`started` if its exec request had gone out) that the pool retries elsewhere when it had not.
        expire: (error) =>
          giveUp('dispose', () =>
            reject(progress.execSent ? mayHaveStarted(new ConnectionError(commandUnconfirmedMessage(target, watchedTimeout), target, { cause: error.cause })) : error),
          ),
      };
      const stopWaiting = (): void => {
        pendingOpens.delete(pending);
        if (deadline !== undefined) clearTimeout(deadline);
        spec.signal?.removeEventListener('abort', onAbort);
      };
      const giveUp = (reason: KillReason, outcome: () => void): void => {
        if (givenUp !== undefined) return;
        givenUp = reason;
        stopWaiting();
        outcome();
      };
      const onAbort = (): void => giveUp('abort', () => resolve(canceledBeforeStart()));
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      if (spec.timeout !== undefined) deadline = setTimeout(() => giveUp('timeout', () => resolve(timedOutBeforeStart(ctx.now() - openedAt))), spec.timeout);
      watchOpen(pending, options.openTimeout);
      const opening = opener.open(
        command,
        (channel, inputSent) => {
          // What is left of the command's timeout once its channel is open.
          const remaining = spec.timeout === undefined || givenUp !== undefined ? spec : { ...spec, timeout: Math.max(1, spec.timeout - (ctx.now() - openedAt)) };
          // Settled here, inside ssh2's callback, not one promise later: a command is mostly such per-command work.
          const run = runOnChannel(channel, remaining, runContext, inputSent, () => {
            running.delete(run);
            opener.noteChannelClosed();
            openChannels--;
            release();
            opener.refill(openChannels);
          });
          running.add(run);
          if (givenUp !== undefined) return run.kill(givenUp);
          stopWaiting();
          run.result.then(resolve, reject);
        },
        progress,
        earlyInput(spec.stdin),
      );
      opener.refill(openChannels);
      opening.then(undefined, (error: unknown) => {
        stopWaiting();
        openChannels--;
        release();
        if (givenUp === undefined) reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  };

  const endConnection = async (): Promise<void> => {
    if (open && running.size > 0) {
      const results = [...running].map((run) => (run.kill('dispose'), run.result.catch(() => undefined)));
      await Promise.race([Promise.all(results), delay(ctx.forceKillAfterDelay)]);
    }
    if (open) client.end();
    await Promise.race([closed, delay(ctx.forceKillAfterDelay)]);
    if (open) {
      client.destroy();
      socket.destroy();
      markClosed();
    }
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Everything a close waits on (the socket, the timers below) is unref'd. A script whose last line is
      // `await remote.closePool()` would see the event loop empty mid-close and Node would end it with
      // exit code 13 ("unsettled top-level await"). This ref'd timer keeps the loop alive for as long as the
      // close can take (its two bounded waits); it is cleared as soon as the close is done.
      const keepLoopAlive = setTimeout(() => undefined, 2 * ctx.forceKillAfterDelay + CLOSE_SLACK_MS);
      try {
        await endConnection();
      } finally {
        clearTimeout(keepLoopAlive);
      }
    })();
    return closing;
  };

  const describe = (): string => `SshConnection(${ctx.id}, ${open ? 'open' : 'closed'}, channels: ${openChannels})`;
  return {
    id: ctx.id,
    target,
    client,
    createdAt: ctx.createdAt,
    get isOpen() {
      return open;
    },
    get openChannels() {
      return openChannels;
    },
    exec,
    keepSpareChannels: (count, budget, onRefused) => opener.keepSpares(count, budget, onRefused),
    get spareChannels() {
      return opener.spares;
    },
    // For channels the files and tunnels modules open on `client` themselves (sftp, tar exec, direct-tcpip):
    // counted and ref'd like an exec channel, so spares stay within budget and the process stays alive.
    trackChannel() {
      openChannels++;
      retain();
      opener.refill(openChannels);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        opener.noteChannelClosed();
        openChannels--;
        release();
        opener.refill(openChannels);
      };
    },
    ping: () =>
      new Promise<boolean>((resolve) => {
        if (!open || !sendKeepalive(client, () => resolve(open))) resolve(false);
      }),
    onClose(listener) {
      if (open) listeners.push(listener);
      else queueMicrotask(() => listener(closeError));
    },
    close,
    toJSON: () => ({ id: ctx.id, target, createdAt: ctx.createdAt, isOpen: open, openChannels }),
    [inspect.custom]: describe,
  } as SshConnection;
}

/** What of a command's stdin goes out with its exec request: all of it, unless it is a stream (see `EarlyInput`). */
function earlyInput(stdin: ExecSpec['stdin']): EarlyInput {
  if (stdin === undefined) return null;
  return typeof stdin === 'string' || Buffer.isBuffer(stdin) ? stdin : undefined;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
