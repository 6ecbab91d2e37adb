// Deterministic notification ids: the same (event, recipient) always yields the same id, so a
// redelivered event rewrites the same inbox entry and the same BullMQ job ids.
import { createHash } from 'node:crypto';

export function notificationId(eventId: string, userId: string): string {
  const h = createHash('sha256').update(`${eventId}\u0000${userId}`).digest('hex');
  // Formatted as a UUID (version 8: custom) so ids look like every other id in the system.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
