// Subscription.notificationAdded: the caller's notifications from the same Redis channel that feeds
// GET /v1/events (UserEventsHub), as an async iterator that unsubscribes when the client goes away.
import { Repeater } from 'graphql-yoga';
import { AppError } from '@family/errors';
import type { GraphQLContext } from './graphql.context.js';

export interface PublishedNotification {
  id: string;
  familyId?: string | null;
  category: string;
  title: string;
  body: string;
  data?: Record<string, string>;
  urgent?: boolean;
  createdAt: string;
  readAt?: string | null;
}

function parse(message: string): PublishedNotification | undefined {
  try {
    const n = JSON.parse(message) as Partial<PublishedNotification>;
    if (typeof n.id !== 'string' || typeof n.title !== 'string') return undefined;
    return {
      id: n.id,
      familyId: n.familyId || null,
      category: String(n.category ?? ''),
      title: n.title,
      body: String(n.body ?? ''),
      data: n.data ?? {},
      urgent: n.urgent === true,
      createdAt: String(n.createdAt ?? ''),
      readAt: n.readAt ?? null,
    };
  } catch {
    return undefined;
  }
}

export function notificationStream(ctx: GraphQLContext): AsyncIterable<PublishedNotification> {
  const hub = ctx.hub;
  if (!hub) throw new AppError('UNAVAILABLE', 'EVENTS_UNAVAILABLE', 'Live updates are not available on this server');
  const userId = ctx.caller.userId;
  return new Repeater<PublishedNotification>(async (push, stop) => {
    const unsubscribe = await hub.subscribe(userId, (message) => {
      const notification = parse(message);
      if (notification) void push(notification);
    });
    await stop;
    await unsubscribe();
  });
}
