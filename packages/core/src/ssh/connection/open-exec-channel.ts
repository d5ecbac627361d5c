import type { Client, ClientChannel } from 'ssh2';
import { ConnectionError } from '@rexec/adapters';
import { connectionLostMessage, execRefusedMessage, notConnectedMessage } from '../messages.js';
import { ChannelRefusedError } from './channel-refused-error.js';

export interface ChannelOpener {
  /**
   * Opens a session channel, sends the exec request, and calls `setup` with the channel synchronously inside
   * ssh2's callback: ssh2 may emit the channel's data, exit and close events in the same tick (several packets
   * parsed from one read), so listeners attached after an `await` could miss them.
   */
  open<T>(command: string, setup: (channel: ClientChannel) => T): Promise<T>;
  /** Tells the opener a channel of this connection just closed. */
  noteChannelClosed(): void;
}

export interface ChannelOpenerOptions {
  readonly client: Client;
  readonly target: string;
  readonly now: () => number;
  readonly isOpen: () => boolean;
  /** Why the transport closed, when it did. */
  readonly closeError: () => Error | undefined;
}

/**
 * sshd frees a session slot only when it garbage-collects the closed channel, a moment after the close
 * handshake: an open sent right after a channel closed can be refused although the connection is below
 * `MaxSessions`. Such a refusal is retried after these delays, so a `ChannelRefusedError` means "full".
 */
const RACE_WINDOW_MS = 250;
const RACE_RETRY_DELAYS_MS = [20, 60];

/** Opens exec channels on one client, mapping failures: refused → `ChannelRefusedError`, else `ConnectionError`. */
export function createChannelOpener(options: ChannelOpenerOptions): ChannelOpener {
  const { client, target } = options;
  let lastClosedAt = Number.NEGATIVE_INFINITY;

  const lost = (reason: string, cause: unknown): Error =>
    options.isOpen() ? new ConnectionError(connectionLostMessage(target, reason), target, { cause }) : (options.closeError() ?? new ConnectionError(connectionLostMessage(target, reason), target, { cause }));

  // One promise per open, retries included: this runs for every command, so no async wrapper around it.
  const open = <T>(command: string, setup: (channel: ClientChannel) => T): Promise<T> =>
    new Promise((resolve, reject) => {
      const fail = (error: Error, attempt: number): void => {
        const delay = RACE_RETRY_DELAYS_MS[attempt];
        const racing = options.now() - lastClosedAt <= RACE_WINDOW_MS;
        if (!(error instanceof ChannelRefusedError) || !racing || delay === undefined || !options.isOpen()) return reject(error);
        setTimeout(() => attemptOpen(attempt + 1), delay).unref();
      };
      const attemptOpen = (attempt: number): void => {
        const callback = (error: Error | undefined, channel: ClientChannel): void => {
          if (error === undefined) return resolve(setup(channel));
          const reason = (error as Error & { reason?: unknown }).reason;
          if (typeof reason === 'number') {
            const description = error.message.replace(/^\(SSH\) Channel open failure: /, '');
            return fail(new ChannelRefusedError(target, reason, description, { cause: error }), attempt);
          }
          if (error.message !== 'Unable to exec') return fail(lost(error.message, error), attempt);
          // ssh2 fails an exec still waiting for its reply this same way when the transport goes away (a reset):
          // only a connection still up really refused it. Its close is reported within the tick, so look after it.
          setImmediate(() => {
            const gone = !options.isOpen() || options.closeError() !== undefined;
            fail(gone ? lost('the connection closed before the command started', error) : new ConnectionError(execRefusedMessage(target), target, { cause: error }), attempt);
          });
        };
        try {
          client.exec(command, callback);
        } catch (error) {
          // ssh2 throws "Not connected" synchronously once the socket is gone
          fail(new ConnectionError(notConnectedMessage(target), target, { cause: error }), attempt);
        }
      };
      attemptOpen(0);
    });

  return {
    open,
    noteChannelClosed: () => {
      lastClosedAt = options.now();
    },
  };
}
