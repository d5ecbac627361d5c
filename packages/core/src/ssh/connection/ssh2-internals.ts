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
