// One Redis subscriber connection per BFF process, fanned out in memory to the open /v1/events
// streams: a user's channel is subscribed while at least one of their streams is open. Every replica
// subscribes for its own clients, so a notification published once reaches every replica.
import { createClient } from 'redis';
import { userEventsChannel } from '@family/delivery-jobs';
import type { Logger } from '@family/logger';
import { boundedRedisOptions, closeRedisWithin, redisUnavailable } from '@family/service-kit';

export type UserEventListener = (message: string) => void;

export interface UserEventsHub {
  /** Listens to a user's notifications; the returned function stops listening. */
  subscribe(userId: string, listener: UserEventListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export async function connectUserEventsHub(options: {
  redisUrl: string;
  keyPrefix: string;
  logger: Logger;
}): Promise<UserEventsHub> {
  const { logger } = options;
  // Bounded like every client: a stream opened while Redis is down fails fast (503) instead of
  // waiting for a reconnect; the client resubscribes by itself when Redis returns.
  const subscriber = createClient(boundedRedisOptions(options.redisUrl));
  subscriber.on('error', (err: unknown) => logger.warn({ err }, 'redis subscriber connection error'));
  await subscriber.connect();
  const listeners = new Map<string, Set<UserEventListener>>();

  const fanOut = (channel: string) => (message: string) => {
    for (const listener of listeners.get(channel) ?? []) {
      try {
        listener(message);
      } catch (err) {
        logger.warn({ err }, 'user event listener failed');
      }
    }
  };

  return {
    async subscribe(userId, listener) {
      const channel = userEventsChannel(options.keyPrefix, userId);
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        set.add(listener);
        try {
          await subscriber.subscribe(channel, fanOut(channel));
        } catch (err) {
          listeners.delete(channel);
          logger.warn({ err, channel }, 'could not subscribe to user events');
          throw redisUnavailable('EVENTS_UNAVAILABLE', 'Live notifications are unavailable; try again shortly');
        }
      } else set.add(listener);
      return async () => {
        const current = listeners.get(channel);
        if (!current?.delete(listener) || current.size > 0) return;
        listeners.delete(channel);
        // The stream is gone either way; a failed unsubscribe only leaves an idle subscription.
        await subscriber
          .unsubscribe(channel)
          .catch((err: unknown) => logger.warn({ err, channel }, 'could not unsubscribe from user events'));
      };
    },
    async close() {
      listeners.clear();
      await closeRedisWithin(subscriber);
    },
  };
}
