/**
 * A factory of dummy resources that counts what happens to them: creates (in flight and done),
 * destroys, and the most resources alive at once. Delays run on the global timers (fake in tests).
 */
import type { PoolFactory } from '../../src/pool/index.js';

export interface Res {
  readonly n: number;
  destroyed: boolean;
}

export interface FakeFactory extends PoolFactory<Res> {
  createCalls: number;
  destroyCalls: number;
  creating: number;
  maxCreating: number;
  readonly live: Set<Res>;
  maxLive: number;
  /** Ms each create takes. */
  delay: number;
  /** When set, creates reject with it (after `delay`). */
  failWith: unknown;
  /** Times of each create call (Date.now, fake under fake timers). */
  readonly callTimes: number[];
}

export function fakeFactory(init: Partial<Pick<FakeFactory, 'delay' | 'failWith' | 'validate'>> = {}): FakeFactory {
  let seq = 0;
  const factory: FakeFactory = {
    createCalls: 0,
    destroyCalls: 0,
    creating: 0,
    maxCreating: 0,
    live: new Set(),
    maxLive: 0,
    delay: 0,
    failWith: undefined,
    callTimes: [],
    async create() {
      factory.createCalls += 1;
      factory.callTimes.push(Date.now());
      factory.creating += 1;
      factory.maxCreating = Math.max(factory.maxCreating, factory.creating);
      try {
        if (factory.delay > 0) await new Promise((resolve) => setTimeout(resolve, factory.delay));
        else await Promise.resolve();
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- tests fail creates with whatever value they choose
        if (factory.failWith !== undefined) throw factory.failWith;
        seq += 1;
        const resource: Res = { n: seq, destroyed: false };
        factory.live.add(resource);
        factory.maxLive = Math.max(factory.maxLive, factory.live.size);
        return resource;
      } finally {
        factory.creating -= 1;
      }
    },
    async destroy(resource) {
      factory.destroyCalls += 1;
      await Promise.resolve();
      resource.destroyed = true;
      factory.live.delete(resource);
    },
    ...init,
  };
  return factory;
}

/** Runs every promise callback that is ready (until the microtask queue drains), without moving fake time. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise<void>((resolve) => process.nextTick(resolve));
}

/** The settled value or error of a promise, without an unhandled rejection meanwhile. */
export function outcome<V>(promise: Promise<V>): { readonly current: { status: 'pending' } | { status: 'fulfilled'; value: V } | { status: 'rejected'; reason: unknown } } {
  const box: { current: { status: 'pending' } | { status: 'fulfilled'; value: V } | { status: 'rejected'; reason: unknown } } = { current: { status: 'pending' } };
  promise.then(
    (value) => (box.current = { status: 'fulfilled', value }),
    (reason: unknown) => (box.current = { status: 'rejected', reason }),
  );
  return box;
}
