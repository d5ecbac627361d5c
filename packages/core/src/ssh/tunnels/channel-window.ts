/**
 * Keeps an SSH channel's receive window nearly full while its data is being consumed. ssh2 tops a channel's
 * window up only once half of it (1 MiB of 2 MiB) is used, so the sender has about 1 MiB in flight per round
 * trip; OpenSSH tops up once three packets' worth is used. Measured at 20 ms RTT, 256 MiB down a direct-tcpip
 * channel: 38–56 MB/s as ssh2 does it, 69–76 MB/s topped up (`ssh -L`: 71–77). Used where the consumer has
 * taken the data (a tunnel's `data` event, an SFTP read's callback), so backpressure is unchanged: data
 * nobody reads is never topped up for.
 */

/** ssh2's window for the channels it opens (lib/Channel.js MAX_WINDOW). */
const FULL_WINDOW = 2 * 1024 * 1024;
/** Three packets of 32 KiB, as OpenSSH's channel_check_window. */
const TOP_UP_AFTER = 3 * 32 * 1024;

/** The ssh2 internals this needs; all optional, so another ssh2 version (or a stand-in) is left alone. */
interface WindowInternals {
  incoming?: { window?: unknown };
  outgoing?: { id?: unknown; state?: unknown };
  _client?: { _protocol?: { channelWindowAdjust?: unknown } };
}

/** Gives the sender back what was used of the channel's window once that is three packets or more. */
export function topUpWindow(channel: object): void {
  const internals = channel as WindowInternals;
  const incoming = internals.incoming;
  const window = incoming?.window;
  const id = internals.outgoing?.id;
  const protocol = internals._client?._protocol;
  const adjust = protocol?.channelWindowAdjust;
  if (incoming === undefined || typeof window !== 'number' || typeof id !== 'number' || typeof adjust !== 'function') return;
  if (internals.outgoing?.state !== 'open') return;
  const used = FULL_WINDOW - window;
  if (used < TOP_UP_AFTER) return;
  (adjust as (id: number, amount: number) => void).call(protocol, id, used);
  incoming.window = window + used;
}
