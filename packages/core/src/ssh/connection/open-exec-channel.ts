/**
 * Opening a command's channel on one client: a session channel, then the exec request. Done in two steps
 * (ssh2-internals.ts), so the opener knows whether the exec request was sent — before it, a failure means the
 * command did not start (safe to run elsewhere); after it, sshd may have started it (never run again) — and
 * so channels can be opened ahead of commands (spares): a command on a spare costs one round trip, not two.
 */
import type { Client, ClientChannel } from 'ssh2';
import { ConnectionError } from '@rexec/adapters';
import { connectionLostMessage, execRefusedMessage, notConnectedMessage } from '../messages.js';
import { ChannelRefusedError, ExecRefusedError } from './channel-refused-error.js';
import { canOpenSpareChannels, openSpareChannel, requestExec } from './ssh2-internals.js';

/**
 * The command's whole stdin, handed to the channel right behind its exec request instead of after sshd's
 * reply (sshd handles a channel's messages in order, so they reach the command it has just started).
 * The EOF needs no window: it goes out at once, so a command that reads an empty stdin (`cat`, `read`)
 * costs one round trip, not two. Data does: OpenSSH opens a session with a zero window and opens it when
 * it starts the command, in the same reply as the exec confirmation, so ssh2 sends the data the moment
 * that reply arrives (a command with stdin still costs two round trips; see docs/ssh.md#spare-channels).
 * `null`: an empty stdin (EOF only); `undefined`: nothing early (a stream, written by `setup`).
 */
export type EarlyInput = string | Buffer | null | undefined;

/** Set by `open` once the exec request went out: from then on the command may have started. */
export interface OpenProgress {
  execSent: boolean;
}

export interface ChannelOpener {
  /**
   * Opens the command's channel (a spare when one is ready), sends the exec request, and calls `setup` with
   * the channel synchronously inside ssh2's callback: ssh2 may emit the channel's data, exit and close events
   * in the same tick (several packets parsed from one read), so listeners attached after an `await` could miss
   * them. Rejects with `ChannelRefusedError` (not started), or a `ConnectionError` whose `started` says
   * whether the exec request had gone out.
   */
  open<T>(command: string, setup: (channel: ClientChannel, inputSent: boolean) => T, progress?: OpenProgress, input?: EarlyInput): Promise<T>;
  /** Tells the opener a channel of this connection just closed. */
  noteChannelClosed(): void;
  /**
   * Keeps up to `count` spare channels open within `budget()` channels in all (commands plus spares);
   * `onRefused(held)` when the server refuses one (its real limit).
   */
  keepSpares(count: number, budget: () => number, onRefused: (held: number) => void): void;
  /** Opens spares up to the count, within the budget (after a command started or ended). */
  refill(commands: number): void;
  readonly spares: number;
}

export interface ChannelOpenerOptions {
  readonly client: Client;
  readonly target: string;
  readonly now: () => number;
  readonly isOpen: () => boolean;
  /** Why the transport closed, when it did. */
  readonly closeError: () => Error | undefined;
  /** Bytes received on the transport so far (the socket's `bytesRead`). */
  readonly bytesRead: () => number;
}

/**
 * sshd frees a session slot only when it garbage-collects the closed channel, a moment after the close
 * handshake: an open sent right after a channel closed can be refused although the connection is below
 * `MaxSessions`. Such a refusal is retried after these delays, so a `ChannelRefusedError` means "full".
 */
const RACE_WINDOW_MS = 250;

/**
 * After a burst of N concurrent channels, the connection keeps up to N spares (not just `spareCount`) for
 * this long after the burst's peak, so the next burst's commands each find one (one round trip, not two).
 * Held on an unref'd timer; extra spares are closed when it ends.
 */
export const BURST_SPARES_HOLD_MS = 30_000;
const RACE_RETRY_DELAYS_MS = [20, 60];

/** The same error, marked as for a command that may have started (its exec request had been sent). */
export function mayHaveStarted(error: Error): Error {
  if (!(error instanceof ConnectionError) || error.started) return error;
  return new ConnectionError(error.message, error.target, { cause: error.cause, started: true });
}

export function createChannelOpener(options: ChannelOpenerOptions): ChannelOpener {
  const { client, target } = options;
  const twoStep = canOpenSpareChannels(client);
  let lastClosedAt = Number.NEGATIVE_INFINITY;
  const spares: ClientChannel[] = [];
  let sparesOpening = 0;
  let spareCount = 0;
  let spareBudget: () => number = () => 0;
  let onSpareRefused: (held: number) => void = () => undefined;
  let commands = 0;
  /** Spares the last burst asked for (its peak of concurrent channels) and when it peaked; see `BURST_SPARES_HOLD_MS`. */
  let burstSpares = 0;
  let burstAt = Number.NEGATIVE_INFINITY;
  let burstTimer: NodeJS.Timeout | undefined;

  const live = (): boolean => options.isOpen() && options.closeError() === undefined;
  const lost = (reason: string, cause: unknown): ConnectionError =>
    options.isOpen() ? new ConnectionError(connectionLostMessage(target, reason), target, { cause }) : asConnectionError(options.closeError(), reason, cause);
  const asConnectionError = (error: Error | undefined, reason: string, cause: unknown): ConnectionError =>
    error instanceof ConnectionError ? error : new ConnectionError(connectionLostMessage(target, reason), target, { cause: error ?? cause });

  /** A channel open failure as ssh2 reports it: a refusal (with the server's reason code), else a lost transport. */
  const openFailure = (error: Error): Error => {
    const reason = (error as Error & { reason?: unknown }).reason;
    if (typeof reason === 'number') return new ChannelRefusedError(target, reason, error.message.replace(/^\(SSH\) Channel open failure: /, ''), { cause: error });
    return lost(error.message, error);
  };

  /**
   * Whether a transport lost after the exec request was sent shows that the request never arrived: our write
   * hit a socket the server had already closed (EPIPE) and nothing came back since it was sent.
   */
  const neverArrived = (readWhenSent: number): boolean => {
    const cause = options.closeError()?.cause as { code?: unknown } | undefined;
    return cause?.code === 'EPIPE' && options.bytesRead() === readWhenSent;
  };

  /** Sends the exec request on an open channel; settles through `resolve`/`reject`. */
  const exec = <T>(
    channel: ClientChannel,
    command: string,
    setup: (channel: ClientChannel, inputSent: boolean) => T,
    progress: OpenProgress | undefined,
    input: EarlyInput,
    resolve: (value: T) => void,
    reject: (error: Error) => void,
  ): void => {
    const readWhenSent = options.bytesRead();
    const sent = requestExec(channel, command, (error) => {
      if (error === undefined) return resolve(setup(channel, input !== undefined));
      // ssh2 fails an exec still waiting for its reply this same way when the transport goes away (a reset):
      // only a connection still up really refused it. Its close is reported within the tick, so look after it.
      setImmediate(() => {
        channel.close();
        if (live()) return reject(new ExecRefusedError(execRefusedMessage(target), target, { cause: error }));
        const gone = lost('the connection closed before sshd confirmed the command', error);
        reject(neverArrived(readWhenSent) ? gone : mayHaveStarted(gone));
      });
    });
    if (sent) {
      if (progress !== undefined) progress.execSent = true;
      // A refused exec leaves the channel without a process: sshd drops what was sent to it, and we close it.
      if (input === null) channel.end();
      else if (input !== undefined) channel.end(input);
      return;
    }
    channel.close();
    reject(lost('the channel closed before the command was sent', undefined));
  };

  /** Commands whose open was refused while a spare was on its way: the spare serves them (undefined: it failed). */
  const spareWaiters: Array<(channel: ClientChannel | undefined) => void> = [];

  const onSpareOpen = (error: Error | undefined, channel: ClientChannel | undefined): void => {
    sparesOpening--;
    if (error !== undefined || channel === undefined) {
      spareWaiters.shift()?.(undefined);
      // The server's session limit (sshd MaxSessions): what we hold is all it allows. Not retried until a channel closes.
      if (typeof (error as { reason?: unknown } | undefined)?.reason === 'number') onSpareRefused(commands + spares.length);
      return;
    }
    channel.on('error', () => undefined);
    const waiter = spareWaiters.shift();
    if (waiter !== undefined) return waiter(channel);
    if (!live()) return void channel.close();
    channel.once('close', () => {
      const index = spares.indexOf(channel);
      if (index >= 0) spares.splice(index, 1);
    });
    spares.push(channel);
  };

  const endBurst = (): void => {
    burstTimer = undefined;
    const left = burstAt + BURST_SPARES_HOLD_MS - options.now();
    if (left > 0) return armBurstTimer(left);
    burstSpares = 0;
    while (spares.length > spareCount) spares.shift()?.close();
  };
  const armBurstTimer = (ms: number): void => {
    burstTimer = setTimeout(endBurst, ms);
    burstTimer.unref();
  };
  /** Notes the channels in use now; a burst above the spares kept raises them (spares on, two-step opens only). */
  const noteDemand = (): void => {
    if (spareCount === 0 || commands < 2 || commands < burstSpares) return;
    burstSpares = commands;
    burstAt = options.now();
    if (burstTimer === undefined) armBurstTimer(BURST_SPARES_HOLD_MS);
  };

  const refill = (): void => {
    const wanted = Math.max(spareCount, burstSpares);
    // A spare on its way that a command waits for is that command's channel, not a spare.
    const unclaimed = (): number => spares.length + sparesOpening - spareWaiters.length;
    while (live() && unclaimed() < wanted && commands + unclaimed() < spareBudget()) {
      sparesOpening++;
      let sent = false;
      try {
        sent = openSpareChannel(client, onSpareOpen);
      } catch {
        // the socket is gone: no spare now
      }
      if (!sent) {
        sparesOpening--;
        return;
      }
    }
  };

  // One promise per open, retries included: this runs for every command, so no async wrapper around it.
  const open = <T>(command: string, setup: (channel: ClientChannel, inputSent: boolean) => T, progress?: OpenProgress, input?: EarlyInput): Promise<T> =>
    new Promise((resolve, reject) => {
      const spare = spares.pop();
      if (spare !== undefined) return exec(spare, command, setup, progress, input, resolve, reject);
      const fail = (error: Error, attempt: number): void => {
        if (error instanceof ChannelRefusedError) {
          // A spare may hold the session this open was refused: let the command have it.
          const ready = spares.pop();
          if (ready !== undefined) return exec(ready, command, setup, progress, input, resolve, reject);
          if (sparesOpening > spareWaiters.length) {
            spareWaiters.push((channel) => (channel === undefined ? reject(error) : exec(channel, command, setup, progress, input, resolve, reject)));
            return;
          }
        }
        const delay = RACE_RETRY_DELAYS_MS[attempt];
        const racing = options.now() - lastClosedAt <= RACE_WINDOW_MS;
        if (!(error instanceof ChannelRefusedError) || !racing || delay === undefined || !options.isOpen()) return reject(error);
        setTimeout(() => attemptOpen(attempt + 1), delay).unref();
      };
      const attemptOpen = (attempt: number): void => {
        // A spare that opened meanwhile serves this command (a refused open may be a spare holding the last session).
        const ready = spares.pop();
        if (ready !== undefined) return exec(ready, command, setup, progress, input, resolve, reject);
        if (!twoStep) return legacyOpen(attempt);
        try {
          const sent = openSpareChannel(client, (error, channel) => {
            if (error !== undefined || channel === undefined) return fail(openFailure(error ?? new Error('no channel')), attempt);
            exec(channel, command, setup, progress, input, resolve, reject);
          });
          if (!sent) fail(new ConnectionError(notConnectedMessage(target), target, { cause: options.closeError() }), attempt);
        } catch (error) {
          // ssh2's "Not connected": the socket is gone
          fail(new ConnectionError(notConnectedMessage(target), target, { cause: error }), attempt);
        }
      };
      // ssh2 without the internals a two-step open needs: its own exec (the exec request's fate is then unknown).
      const legacyOpen = (attempt: number): void => {
        const callback = (error: Error | undefined, channel: ClientChannel): void => {
          if (error === undefined) return resolve(setup(channel, false));
          if (typeof (error as Error & { reason?: unknown }).reason === 'number' || error.message !== 'Unable to exec') return fail(openFailure(error), attempt);
          setImmediate(() => fail(live() ? new ExecRefusedError(execRefusedMessage(target), target, { cause: error }) : mayHaveStarted(lost('the connection closed before sshd confirmed the command', error)), attempt));
        };
        try {
          if (progress !== undefined) progress.execSent = true;
          client.exec(command, callback);
        } catch (error) {
          // ssh2 throws "Not connected" synchronously once the socket is gone
          fail(new ConnectionError(notConnectedMessage(target), target, { cause: error }), attempt);
        }
      };
      // A spare on its way answers sooner than an open sent now, and keeps the channels within the budget.
      if (sparesOpening > spareWaiters.length) {
        spareWaiters.push((channel) => (channel === undefined ? attemptOpen(0) : exec(channel, command, setup, progress, input, resolve, reject)));
        return;
      }
      attemptOpen(0);
    });

  return {
    open,
    noteChannelClosed: () => {
      lastClosedAt = options.now();
    },
    keepSpares(count, budget, onRefused) {
      spareCount = twoStep ? count : 0;
      spareBudget = budget;
      onSpareRefused = onRefused;
      refill();
    },
    refill(running) {
      commands = running;
      noteDemand();
      refill();
    },
    get spares() {
      return spares.length;
    },
  };
}
