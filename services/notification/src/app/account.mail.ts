// Mails about an account itself (`account.email_requested`: a verification or a password-reset link):
// straight to the address auth names, whatever the user's notification settings, quiet hours, digest
// or verification state — they are how an address gets verified and an account recovered. Not kept
// in the inbox: a link token has no place there.
import type { DomainEvent } from '@family/contracts/events/v1/events';
import type { Logger } from '@family/logger';
import { accountLink, accountMail, validFor, type AccountMailPurpose } from '../domain/account.mail.templates.js';
import { notificationId } from '../domain/notification.ids.js';
import type { DedupStore } from '../store/dedup.store.js';
import type { DelayedDelivery, DeliveryQueues } from '../store/delivery.queues.js';

const PURPOSES: readonly string[] = ['EMAIL_VERIFICATION', 'PASSWORD_RESET'] satisfies AccountMailPurpose[];

export interface AccountMailDeps {
  queues: DeliveryQueues;
  dedup: DedupStore;
  /** The web app's address, e.g. http://127.0.0.1:3000: the links open its pages. */
  appUrl: string;
  clock: () => Date;
  logger: Logger;
}

export class AccountMail {
  constructor(private readonly deps: AccountMailDeps) {}

  /** Enqueues one email per account-mail event not sent before; other events are ignored. */
  async send(events: DomainEvent[]): Promise<void> {
    const d = this.deps;
    const jobs: DelayedDelivery[] = [];
    const sent: Array<{ eventId: string; userId: string }> = [];
    for (const event of events) {
      if (event.payload?.$case !== 'accountEmailRequested') continue;
      const v = event.payload.value;
      if (!PURPOSES.includes(v.purpose) || !v.email || !v.token) {
        d.logger.warn({ eventId: event.id, purpose: v.purpose }, 'account mail without purpose, address or token');
        continue;
      }
      if (await d.dedup.seen(event.id, v.userId)) continue;
      const purpose = v.purpose as AccountMailPurpose;
      const left = (v.expiresAt?.getTime() ?? d.clock().getTime()) - d.clock().getTime();
      // A link that has already expired is not worth a mail.
      if (left <= 0) continue;
      const text = accountMail(purpose, accountLink(d.appUrl, purpose, v.token), validFor(left));
      jobs.push({
        payload: {
          channel: 'email',
          job: {
            notificationId: notificationId(event.id, v.userId),
            userId: v.userId,
            familyId: '',
            category: 'SECURITY',
            title: text.title,
            body: text.body,
            data: { purpose },
            urgent: true,
            to: v.email,
            displayName: '',
          },
        },
        delayMs: 0,
      });
      sent.push({ eventId: event.id, userId: v.userId });
    }
    if (jobs.length === 0) return;
    await d.queues.enqueueMany(jobs);
    await Promise.all(sent.map((s) => d.dedup.mark(s.eventId, s.userId)));
  }
}
