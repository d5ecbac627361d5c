/**
 * The only place rexec touches ssh2 internals (ssh2 1.x), each use guarded so a changed shape degrades
 * to "not supported" instead of throwing. `lifecycle.test.ts` fails if the installed ssh2 no longer fits.
 *
 * - `signal` requests: ssh2's public `channel.signal()` silently sends nothing once stdin was closed
 *   (it checks `channel.writable`), yet the protocol allows the request until the channel closes.
 * - keepalive: ssh2's own `keepaliveInterval` timer is a ref'd `setInterval` that would keep an idle
 *   script alive; rexec sends the same `keepalive@openssh.com` request from an unref'd timer instead.
 * - exit status: ssh2 emits a channel's `'exit'` synchronously while parsing; when the exit-status packet
 *   arrives in the same TCP chunk as the exec reply, that happens before a listener attached after
 *   `await` can hear it. ssh2 also records it on the channel (`_exit`), which `recordedExit` reads.
 * - spare channels: ssh2's `client.exec` opens a session channel, waits for its confirmation, then sends
 *   the exec request: two round trips. `openSpareChannel` does the first part ahead of any command (as
 *   ssh2's `openChannel` does) and `requestExec` the second (as its `reqExec` does), so a command costs one.
 */
import type { Client, ClientChannel } from 'ssh2';

interface ProtocolLike {
  signal?: unknown;
  ping?: unknown;
}
interface ChannelLike {
  outgoing?: { id?: unknown; state?: unknown };
  _client?: { _protocol?: ProtocolLike };
}
interface ClientLike {
  _protocol?: ProtocolLike;
  _callbacks?: unknown;
}

/** Sends a `signal` channel request (name without `SIG`, e.g. `'TERM'`). False when it could not be sent. */
export function sendSignalRequest(channel: ClientChannel, name: string): boolean {
  const internal = channel as unknown as ChannelLike;
  const protocol = internal._client?._protocol;
  const id = internal.outgoing?.id;
  // 'eof': we closed stdin (every command without streamed stdin does at once), but the channel still takes requests.
  const state = internal.outgoing?.state;
  if ((state !== 'open' && state !== 'eof') || typeof id !== 'number' || typeof protocol?.signal !== 'function') return false;
  try {
    (protocol.signal as (id: number, name: string) => void).call(protocol, id, name);
    return true;
  } catch {
    return false;
  }
}

/** Whether keepalives can be sent on this client (checked once it is connected). */
export function canSendKeepalive(client: Client): boolean {
  const internal = client as unknown as ClientLike;
  return typeof internal._protocol?.ping === 'function' && Array.isArray(internal._callbacks);
}

/**
 * Sends `keepalive@openssh.com` (want-reply) and queues `onReply` in ssh2's global-request callback queue,
 * exactly as ssh2's own keepalive does, so replies stay matched to their requests. False when not sent.
 */
export function sendKeepalive(client: Client, onReply: () => void): boolean {
  if (!canSendKeepalive(client)) return false;
  const internal = client as unknown as Required<ClientLike> & { _protocol: { ping: () => void }; _callbacks: unknown[] };
  try {
    internal._callbacks.push(() => onReply());
    internal._protocol.ping();
    return true;
  } catch {
    return false;
  }
}

/** The exit status or signal ssh2 already recorded for `channel`, if one arrived. */
export function recordedExit(channel: ClientChannel): { code: number | null; signal: string | null } | undefined {
  const exit = (channel as unknown as { _exit?: { code?: unknown; signal?: unknown } })._exit;
  if (typeof exit !== 'object' || exit === null || exit.code === undefined) return undefined;
  return { code: typeof exit.code === 'number' ? exit.code : null, signal: typeof exit.signal === 'string' ? exit.signal : null };
}

/** The window and packet size ssh2 announces for the channels it opens (lib/Channel.js); a spare must match. */
export const SSH2_MAX_WINDOW = 2 * 1024 * 1024;
export const SSH2_PACKET_SIZE = 32 * 1024;

interface ChannelManagerLike {
  add?: unknown;
}
interface SessionClientLike {
  _chanMgr?: ChannelManagerLike;
  _protocol?: { session?: unknown };
  _sock?: { writable?: boolean };
}
interface ExecChannelLike {
  outgoing?: { id?: unknown; state?: unknown };
  _callbacks?: unknown;
  _client?: { _protocol?: { exec?: unknown } };
  subtype?: string;
  allowHalfOpen?: boolean;
}

/** Whether session channels can be opened ahead of their command on this client (spare channels). */
export function canOpenSpareChannels(client: Client): boolean {
  const internal = client as unknown as SessionClientLike;
  return typeof internal._chanMgr?.add === 'function' && typeof internal._protocol?.session === 'function';
}

/**
 * Opens a session channel with no request on it yet (a spare): what ssh2's `client.exec` does before it
 * sends the exec request, so a command can later take it and cost one round trip instead of two.
 * False when it could not be sent (then `onOpen` is never called). Throws `Not connected`, as ssh2's own
 * `exec` does, once the socket is no longer writable.
 */
export function openSpareChannel(client: Client, onOpen: (error: Error | undefined, channel: ClientChannel | undefined) => void): boolean {
  if (!canOpenSpareChannels(client)) return false;
  if ((client as unknown as SessionClientLike)._sock?.writable !== true) throw new Error('Not connected');
  const internal = client as unknown as { _chanMgr: { add: (handler: unknown) => number }; _protocol: { session: (id: number, window: number, packet: number) => void } };
  const handler = (error: Error | undefined, channel: ClientChannel | undefined): void => onOpen(error, channel);
  (handler as { type?: string }).type = 'session';
  try {
    const id = internal._chanMgr.add(handler);
    if (id === -1) return false;
    internal._protocol.session(id, SSH2_MAX_WINDOW, SSH2_PACKET_SIZE);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends the exec request on an open session channel, as ssh2's `client.exec` does once its channel opened;
 * `onReply` runs inside ssh2's parse of the reply (listeners attached there miss nothing). False when the
 * request could not be sent (then `onReply` is never called).
 */
export function requestExec(channel: ClientChannel, command: string, onReply: (error: Error | undefined) => void): boolean {
  const internal = channel as unknown as ExecChannelLike;
  const protocol = internal._client?._protocol;
  const id = internal.outgoing?.id;
  if (internal.outgoing?.state !== 'open' || typeof id !== 'number' || !Array.isArray(internal._callbacks) || typeof protocol?.exec !== 'function') return false;
  try {
    internal._callbacks.push((failed: unknown) => {
      if (failed !== false && failed !== undefined) return onReply(new Error('Unable to exec'));
      internal.subtype = 'exec';
      internal.allowHalfOpen = true;
      onReply(undefined);
    });
    (protocol.exec as (id: number, command: string, wantReply: boolean) => void).call(protocol, id, command, true);
    return true;
  } catch {
    return false;
  }
}
