// One Redis subscriber connection per BFF process, fanned out in memory to the open /v1/events
// streams: a user's channel is subscribed while at least one of their streams is open. Every replica
// subscribes for its own clients, so a notification published once reaches every replica.
import { createClient } from 'redis';
import { userEventsChannel } from '@family/delivery-jobs';
import type { Logger } from '@family/logger';

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
  const subscriber = createClient({ url: options.redisUrl });
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
        await subscriber.subscribe(channel, fanOut(channel));
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
      await subscriber.close().catch((err: unknown) => {
        logger.warn({ err }, 'redis subscriber did not close cleanly; destroying it');
        subscriber.destroy();
      });
    },
  };
}
