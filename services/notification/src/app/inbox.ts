// The caller's inbox: newest first with a cursor, unread count, mark one or all read.
import { AppError } from '@family/errors';
import { pageCursor, pageLimit } from '@family/db';
import { requireUser, type Caller } from '@family/grpc-kit';
import type { InboxItem } from '../domain/notification.types.js';
import type { InboxStore } from '../store/inbox.store.js';

/** Continues after the order key of the last notification shown. */
const inboxCursor = pageCursor('string');

export class InboxUseCases {
  constructor(
    private readonly store: InboxStore,
    private readonly clock: () => Date,
  ) {}

  async list(
    caller: Caller,
    input: { limit?: number | undefined; cursor: string; unreadOnly: boolean; familyId: string },
  ): Promise<{ items: InboxItem[]; nextCursor: string; unreadCount: number }> {
    const user = requireUser(caller);
    const [after] = inboxCursor.decode(input.cursor) ?? [];
    const page = await this.store.page(user.userId, {
      ...(after ? { after } : {}),
      limit: pageLimit(input.limit),
      keep: (n) => (!input.unreadOnly || !n.readAt) && (!input.familyId || n.familyId === input.familyId),
    });
    return {
      items: page.items,
      nextCursor: page.next ? inboxCursor.encode([page.next]) : '',
      unreadCount: await this.store.unreadCount(user.userId),
    };
  }

  /** Another user's notification id answers NOT_FOUND: inboxes are per user. */
  async markRead(caller: Caller, id: string): Promise<{ item: InboxItem; unreadCount: number }> {
    const user = requireUser(caller);
    if (!id) throw AppError.invalidField('notificationId', 'is required');
    if (!(await this.store.get(user.userId, id))) throw AppError.notFound('Notification');
    await this.store.markRead(user.userId, [id], this.clock());
    const item = (await this.store.get(user.userId, id))!;
    return { item, unreadCount: await this.store.unreadCount(user.userId) };
  }

  async markAll(
    caller: Caller,
    input: { before?: Date; familyId: string },
  ): Promise<{ marked: number; unreadCount: number }> {
    const user = requireUser(caller);
    const unread = await this.store.unreadIds(user.userId);
    const chosen: string[] = [];
    for (const id of unread) {
      const n = await this.store.get(user.userId, id);
      if (!n) continue;
      if (input.familyId && n.familyId !== input.familyId) continue;
      if (input.before && new Date(n.createdAt) > input.before) continue;
      chosen.push(id);
    }
    const marked = await this.store.markRead(user.userId, chosen, this.clock());
    return { marked, unreadCount: await this.store.unreadCount(user.userId) };
  }
}
