// The daily digest: once per (user, local date), from DIGEST_HOUR in the user's zone, one email per
// opted-in parent summarising the day's notifications by category and what is still unread.
import type { Logger } from '@family/logger';
import { PARENT_ROLES } from '@family/grpc-kit';
import { render } from '../domain/message.templates.js';
import { localParts } from '../domain/quiet.hours.js';
import type { InboxStore } from '../store/inbox.store.js';
import type { PreferencesStore } from '../store/preferences.store.js';
import type { MembersStore } from '../store/members.store.js';
import type { DedupStore } from '../store/dedup.store.js';
import type { DeliveryQueues } from '../store/delivery.queues.js';
import type { ContactDirectory } from './contact.directory.js';
import { toPreferences } from './preferences.js';

export interface DigestDeps {
  inbox: InboxStore;
  preferences: PreferencesStore;
  members: MembersStore;
  dedup: DedupStore;
  queues: DeliveryQueues;
  contacts: ContactDirectory;
  digestHour: number;
  clock: () => Date;
  logger: Logger;
}

export interface DigestResult {
  sent: { userId: string; date: string; jobId: string }[];
}

export class DailyDigest {
  private running: Promise<DigestResult> | undefined;

  constructor(private readonly deps: DigestDeps) {}

  /** One pass over the opted-in users; passes never overlap. */
  run(now = this.deps.clock()): Promise<DigestResult> {
    this.running ??= this.pass(now).finally(() => (this.running = undefined));
    return this.running;
  }

  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async pass(now: Date): Promise<DigestResult> {
    const d = this.deps;
    const result: DigestResult = { sent: [] };
    for (const userId of await d.preferences.digestUsers()) {
      try {
        const sent = await this.digestFor(userId, now);
        if (sent) result.sent.push(sent);
      } catch (err) {
        d.logger.warn({ err, userId }, 'daily digest failed; the next pass retries');
      }
    }
    return result;
  }

  private async digestFor(userId: string, now: Date) {
    const d = this.deps;
    const prefs = toPreferences(await d.preferences.get(userId));
    if (!prefs.dailyDigest) return undefined;
    const families = await d.members.familiesOf(userId);
    let parentIn: string | undefined;
    for (const f of families) {
      const mine = (await d.members.list(f)).find((m) => m.userId === userId);
      if (mine && PARENT_ROLES.includes(mine.role)) {
        parentIn = f;
        break;
      }
    }
    if (!parentIn) return undefined;
    const zone = prefs.quietHours.timezone || (await d.contacts.familyZone(parentIn));
    const local = localParts(now, zone);
    if (local.minute < d.digestHour * 60) return undefined;
    const contact = (await d.contacts.contacts([userId])).get(userId);
    if (!contact?.email) return undefined;
    if (!(await d.dedup.claimDigest(userId, local.date))) return undefined;

    const today = (await d.inbox.all(userId)).filter(
      (n) => localParts(new Date(n.createdAt), zone).date === local.date,
    );
    const counts: Record<string, number> = {};
    for (const n of today) counts[n.category] = (counts[n.category] ?? 0) + 1;
    const unread = await d.inbox.unreadCount(userId);
    const lines = Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, count]) => `${category.toLowerCase().replace(/_/g, ' ')}: ${count}`);
    const summary = `${today.length} notification(s) today${lines.length ? ` (${lines.join(', ')})` : ''}; ${unread} unread waiting for you.`;
    const text = render('digest.daily', { date: local.date, summary });
    const notificationId = `digest-${userId}-${local.date}`;
    const data: Record<string, string> = { date: local.date, unread: String(unread) };
    for (const [category, count] of Object.entries(counts)) data[`count.${category}`] = String(count);
    try {
      const jobId = await d.queues.enqueue({
        channel: 'email',
        job: {
          notificationId,
          userId,
          familyId: parentIn,
          category: 'DIGEST',
          title: text.title,
          body: text.body,
          data,
          urgent: false,
          to: contact.email,
          displayName: contact.displayName,
        },
      });
      return { userId, date: local.date, jobId };
    } catch (err) {
      await d.dedup.releaseDigest(userId, local.date);
      throw err;
    }
  }
}
