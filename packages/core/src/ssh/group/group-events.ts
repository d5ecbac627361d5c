/**
 * The group's events: its own `host:*` events, and every host pool's events with the host's `target` added
 * (`pool:error` becomes `{ target, error }`). A pool event is forwarded from the hosts' pools only while
 * the group has a listener for it, so an unwatched group adds nothing to the pools' hot paths.
 */
import type { PoolEventName } from '../../pool/pool-events.js';
import { createSafeEmitter } from '../../pool/safe-emitter.js';
import type { SshPoolHandle } from '../pool/ssh-pool-types.js';
import type { GroupHostEvents, SshGroupEvents, SshGroupHandle } from './group-types.js';

const POOL_EVENTS: ReadonlySet<string> = new Set<PoolEventName>([
  'connection:create',
  'connection:acquire',
  'connection:release',
  'connection:destroy',
  'connection:state',
  'pool:queue:full',
  'pool:error',
  'pool:leak',
  'pool:metrics',
  'circuit:open',
  'circuit:half-open',
  'circuit:close',
]);

type EventName = keyof SshGroupEvents;
type Listener<E extends EventName> = (payload: SshGroupEvents[E]) => void;

export interface GroupEventMethods {
  on<E extends keyof SshGroupEvents>(this: SshGroupHandle, event: E, listener: (payload: SshGroupEvents[E]) => void): SshGroupHandle;
  once<E extends keyof SshGroupEvents>(this: SshGroupHandle, event: E, listener: (payload: SshGroupEvents[E]) => void): SshGroupHandle;
  off<E extends keyof SshGroupEvents>(this: SshGroupHandle, event: E, listener?: (payload: SshGroupEvents[E]) => void): SshGroupHandle;
}

export interface GroupEvents {
  readonly methods: GroupEventMethods;
  /** Emits a `host:*` event (cheap when nobody listens). */
  emitHost<E extends keyof GroupHostEvents>(event: E, payload: GroupHostEvents[E]): void;
}

export function createGroupEvents(hosts: readonly { readonly target: string; readonly handle: SshPoolHandle }[], label: string): GroupEvents {
  const emitter = createSafeEmitter<SshGroupEvents>((error) => {
    // A throwing listener: reported as the group's pool:error (a throwing pool:error listener is ignored).
    if (emitter.has('pool:error')) emitter.emit('pool:error', { target: label, error: error instanceof Error ? error : new Error(String(error)) });
  });
  /** Per forwarded pool event, the listener added on each host's pool. */
  const forwarders = new Map<string, ((payload: unknown) => void)[]>();

  const forward = (event: string): void => {
    if (!POOL_EVENTS.has(event) || forwarders.has(event)) return;
    const added = hosts.map(({ target, handle }) => {
      const listener = (payload: unknown): void => {
        const withTarget = payload instanceof Error ? { target, error: payload } : { ...(payload as object), target };
        emitter.emit(event as EventName, withTarget);
      };
      handle.on(event as PoolEventName, listener);
      return listener;
    });
    forwarders.set(event, added);
  };

  const stopForwarding = (event: string): void => {
    const added = forwarders.get(event);
    if (added === undefined || emitter.has(event as EventName)) return;
    forwarders.delete(event);
    hosts.forEach(({ handle }, i) => {
      const listener = added[i];
      if (listener !== undefined) handle.off(event as PoolEventName, listener);
    });
  };

  /** `once` listeners, by the listener the user gave (so `off(event, listener)` finds them). */
  const onceWrappers = new WeakMap<object, object>();
  const methods: GroupEventMethods = {
    on(event, listener) {
      emitter.on(event, listener);
      forward(event);
      return this;
    },
    once(event, listener) {
      const once = (payload: SshGroupEvents[typeof event]): void => {
        emitter.off(event, once);
        stopForwarding(event);
        listener(payload);
      };
      onceWrappers.set(listener, once);
      emitter.on(event, once);
      forward(event);
      return this;
    },
    off(event, listener) {
      const registered = listener === undefined ? undefined : ((onceWrappers.get(listener) ?? listener) as Listener<EventName>);
      emitter.off(event, registered);
      stopForwarding(event);
      return this;
    },
  };
  return {
    methods,
    emitHost(event, payload) {
      if (emitter.has(event)) emitter.emit(event, payload as SshGroupEvents[typeof event]);
    },
  };
}
