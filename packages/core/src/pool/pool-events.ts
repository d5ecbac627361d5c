/**
 * The pool's events (docs/pool.md#events: the names `$.ssh` uses too) and the types they carry.
 */

/** Why a resource was destroyed (`connection:destroy`). */
export type DestroyReason = 'idle' | 'lifetime' | 'validation' | 'error' | 'closed';

/** Where a resource is in its life (`connection:state`). */
export type ResourceState = 'idle' | 'active' | 'validating' | 'closing';

/** The `pool:metrics` payload. */
export interface PoolMetrics {
  connectionsCreated: number;
  connectionsDestroyed: number;
  totalAcquired: number;
  totalReleased: number;
  /** Mean ms an acquire waited, over every acquire served. */
  averageWaitTime: number;
  /** `active / max`, between 0 and 1, at the moment of reading. */
  utilizationRate: number;
}

export interface CircuitEvent {
  target: string;
  failures: number;
}

/** Event names and payloads: the same names as `$.ssh` (docs/ssh.md#events). */
export interface PoolEvents {
  'connection:create': { id: string; target: string };
  'connection:acquire': { id: string; waitTime: number };
  'connection:release': { id: string; duration: number };
  'connection:destroy': { id: string; reason: DestroyReason };
  'connection:state': { id: string; from: ResourceState; to: ResourceState };
  'pool:queue:full': { waiting: number; queueSize: number };
  'pool:error': Error;
  'pool:leak': { id: string; heldFor: number };
  'pool:metrics': PoolMetrics;
  'circuit:open': CircuitEvent;
  'circuit:half-open': CircuitEvent;
  'circuit:close': CircuitEvent;
}

export type PoolEventName = keyof PoolEvents;
export type PoolListener<E extends PoolEventName> = (payload: PoolEvents[E]) => void;

/** The typed listener methods every pool handle has. */
export interface PoolEventTarget<M> {
  on<E extends keyof M>(event: E, listener: (payload: M[E]) => void): this;
  once<E extends keyof M>(event: E, listener: (payload: M[E]) => void): this;
  off<E extends keyof M>(event: E, listener?: (payload: M[E]) => void): this;
}

