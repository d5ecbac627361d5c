/** What `upload` and `download` need from the pool they run on. */
import type { ChannelLeases } from '../channels/channel-leases.js';

export interface TransferDeps {
  /** Channels of the pool, each a lease (sftp sessions, tar execs, short commands). */
  readonly channels: ChannelLeases;
  /** Whether the remote host has `tar` (asked once per pool). */
  readonly hasTar: () => Promise<boolean>;
  /** True once the pool was drained or closed: a transfer cut then was stopped, not lost. */
  readonly isPoolClosed: () => boolean;
}
