// Replay after Last-Event-ID from the caller's inbox (NotificationService.ListNotifications, newest
// first): everything newer than that id on the first page, oldest first. An id not on the page (too
// old, or unknown) replays the whole page.
import type { BffClients } from '../clients.js';
import { callOptions } from '../call.options.js';
import { toNotificationDto } from '../dto/notification.dto.js';
import type { NotificationReplay } from '../routes/events.routes.js';

export function inboxReplay(clients: BffClients, limit: number): NotificationReplay | undefined {
  const notification = clients.notification;
  if (!notification) return undefined;
  return async (req, lastEventId) => {
    const r = await notification.listNotifications(
      { page: { limit, cursor: '' }, unreadOnly: false, familyId: '' },
      callOptions(req),
    );
    const newer = [];
    for (const n of r.notifications) {
      if (n.id === lastEventId) break;
      newer.push(toNotificationDto(n));
    }
    return newer.reverse();
  };
}
