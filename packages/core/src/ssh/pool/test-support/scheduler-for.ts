/** A channel scheduler over a fake source, with test defaults (max 2, 8 channels, 10 s wait, fifo). */
import { createChannelScheduler, type ChannelSchedulerOptions } from '../channel-scheduler.js';
import { isFakeRefusal, type FakeConnection, type FakeSource } from './fake-connections.js';

export function schedulerFor(source: FakeSource, options: Partial<ChannelSchedulerOptions<FakeConnection>> = {}) {
  return createChannelScheduler<FakeConnection>(source, {
    target: 'me@fake:22',
    max: 2,
    maxChannels: 8,
    queueTimeout: 10_000,
    queuePriority: 'fifo',
    maxQueued: 800,
    isChannelRefused: isFakeRefusal,
    now: () => Date.now(),
    ...options,
  });
}
