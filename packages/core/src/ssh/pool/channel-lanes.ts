/**
 * The connections the channel scheduler holds, each with its channel limit and the commands it carries.
 * A lane is one borrowed connection: `limit` starts at `maxChannels` and only goes down (when the server
 * refuses a channel), `inFlight` counts the commands running on it.
 */

export interface ChannelHost {
  /** False once the transport closed or errored. */
  readonly isOpen: boolean;
}

export interface Lane<C> {
  readonly conn: C;
  limit: number;
  inFlight: number;
  /** Pending hand-back to the pool, cancelled when a command arrives first. */
  releaseTimer: ReturnType<typeof setImmediate> | undefined;
}

export interface ChannelLanes<C> {
  readonly size: number;
  /** Commands running on every lane. */
  readonly inFlight: number;
  add(conn: C, limit: number): Lane<C>;
  get(conn: C): Lane<C> | undefined;
  remove(conn: C): Lane<C> | undefined;
  /**
   * The open lane with a free slot carrying the most commands (packing lets the others go idle), if any.
   * Lanes `skip` returns true for get no new command.
   */
  pickFree(skip?: (conn: C) => boolean): Lane<C> | undefined;
  all(): Lane<C>[];
  /** The lanes without copying them: for loops that do not add or remove lanes. */
  values(): IterableIterator<Lane<C>>;
}

export function createChannelLanes<C extends ChannelHost>(): ChannelLanes<C> {
  const lanes = new Map<C, Lane<C>>();
  return {
    get size() {
      return lanes.size;
    },
    get inFlight() {
      let total = 0;
      for (const lane of lanes.values()) total += lane.inFlight;
      return total;
    },
    add(conn, limit) {
      const lane: Lane<C> = { conn, limit, inFlight: 0, releaseTimer: undefined };
      lanes.set(conn, lane);
      return lane;
    },
    get(conn) {
      return lanes.get(conn);
    },
    remove(conn) {
      const lane = lanes.get(conn);
      if (lane === undefined) return undefined;
      lanes.delete(conn);
      if (lane.releaseTimer !== undefined) clearImmediate(lane.releaseTimer);
      lane.releaseTimer = undefined;
      return lane;
    },
    pickFree(skip) {
      let best: Lane<C> | undefined;
      for (const lane of lanes.values()) {
        if (!lane.conn.isOpen || lane.inFlight >= lane.limit || skip?.(lane.conn) === true) continue;
        if (best === undefined || lane.inFlight > best.inFlight) best = lane;
      }
      return best;
    },
    all() {
      return [...lanes.values()];
    },
    values() {
      return lanes.values();
    },
  };
}
