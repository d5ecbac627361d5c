/**
 * The shape of a transfer peer inside a transfer child (bench/src/scenarios/transfer.ts). Every file or tree
 * call is one run from nothing: a new client (connection, or process) connects, authenticates and
 * transfers; `cleanup()` (untimed) then closes what the run left open. A peer has only the calls of the
 * workloads it takes part in.
 */
import type { TargetInfo } from '../child/protocol.js';

export interface OpenTunnel {
  /** The local port whose connections reach the remote host and port. */
  readonly port: number;
  close(): Promise<void>;
}

export interface TransferPeer {
  readonly putFile?: (local: string, remote: string) => Promise<void>;
  readonly getFile?: (remote: string, local: string) => Promise<void>;
  /** Copies the local directory to `remote`, which does not exist yet (and becomes that directory). */
  readonly putTree?: (local: string, remote: string) => Promise<void>;
  /** Opens a tunnel (not timed); its bytes are. */
  readonly openTunnel?: (remoteHost: string, remotePort: number) => Promise<OpenTunnel>;
  /** Closes the clients of the last run (not timed). */
  readonly cleanup: () => Promise<void>;
  /** Kills whatever still runs (processes, sockets): the run went over its time. Synchronous, best effort. */
  readonly abort: () => void;
  /** CPU µs so far of processes the peer runs that are still alive (`ssh -L`); reaped ones count in the child's. */
  readonly liveCpuMicros?: () => number;
  /** How the last run went when that matters (`via tar`). */
  readonly note?: () => string | undefined;
}

export type TransferPeerLoader = (target: TargetInfo) => Promise<TransferPeer>;
