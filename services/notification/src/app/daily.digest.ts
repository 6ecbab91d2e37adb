// The daily digest: once per (user, local date), from DIGEST_HOUR in the user's zone, one email per
// opted-in parent with, for each family they are a parent in, the day's spending by category, the
// month so far against the days before it, budgets at or past 80%, and what waits for them (chores to
// approve, unread notifications, and the day's notifications by category).
import type { Logger } from '@family/logger';
import { PARENT_ROLES } from '@family/grpc-kit';
import { formatMoney } from '@family/service-kit/money';
import { render, type TemplateKey } from '../domain/message.templates.js';
import { dayIn, toYmd } from '@family/service-kit/calendar';
import { localParts } from '../domain/quiet.hours.js';
import type { InboxStore } from '../store/inbox.store.js';
import type { PreferencesStore } from '../store/preferences.store.js';
import type { MembersStore } from '../store/members.store.js';
import type { DedupStore } from '../store/dedup.store.js';
import type { DeliveryQueues } from '../store/delivery.queues.js';
import type { ContactDirectory } from './contact.directory.js';
import type { FamilySummaries, FamilySummary } from './family.summary.js';
import { toPreferences } from './preferences.js';

export interface DigestDeps {
  inbox: InboxStore;
  preferences: PreferencesStore;
  members: MembersStore;
  dedup: DedupStore;
  queues: DeliveryQueues;
  contacts: ContactDirectory;
  summaries: FamilySummaries;
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

  /** Resolves once no pass is in progress; how that pass ended is for its caller (run rejects to it). */
  async idle(): Promise<void> {
    await Promise.allSettled([this.running]);
  }

  private async pass(now: Date): Promise<DigestResult> {
    const d = this.deps;
    const result: DigestResult = { sent: [] };
    // A family's figures are read once per pass, however many of its parents get a digest.
    const summaries = new Map<string, Promise<FamilySummary>>();
    const summary = (familyId: string, date: string) => {
      const key = `${familyId}:${date}`;
      let s = summaries.get(key);
      if (!s) summaries.set(key, (s = d.summaries.summarize(familyId, date)));
      return s;
    };
    for (const userId of await d.preferences.digestUsers()) {
      try {
        const sent = await this.digestFor(userId, now, summary);
        if (sent) result.sent.push(sent);
      } catch (err) {
        d.logger.warn({ err, userId }, 'daily digest failed; the next pass retries');
      }
    }
    return result;
  }

  private async digestFor(
    userId: string,
    now: Date,
    summary: (familyId: string, date: string) => Promise<FamilySummary>,
  ) {
    const d = this.deps;
    const prefs = toPreferences(await d.preferences.get(userId));
    if (!prefs.dailyDigest) return undefined;
    const parentIn: string[] = [];
    for (const f of (await d.members.familiesOf(userId)).sort()) {
      const mine = (await d.members.list(f)).find((m) => m.userId === userId);
      if (mine && PARENT_ROLES.includes(mine.role)) parentIn.push(f);
    }
    if (parentIn.length === 0) return undefined;
    const zone = prefs.quietHours.timezone || (await d.contacts.familyZone(parentIn[0]!));
    const local = localParts(now, zone);
    if (local.minute < d.digestHour * 60) return undefined;
    const contact = (await d.contacts.contacts([userId])).get(userId);
    if (!contact?.email || !contact.emailVerified) return undefined;
    // Read everything before claiming the day, so a failure leaves the digest to the next pass.
    const families = await Promise.all(parentIn.map((f) => summary(f, local.date)));
    const today = (await d.inbox.all(userId)).filter((n) => dayIn(zone, new Date(n.createdAt)) === local.date);
    const unread = await d.inbox.unreadCount(userId);
    if (!(await d.dedup.claimDigest(userId, local.date))) return undefined;

    const locale = contact.locale || undefined;
    const line = (key: TemplateKey, params: Record<string, string>) => render(key, params, locale).body;
    const money = (minor: number, currency: string) => formatMoney(minor, currency, locale);
    const counts: Record<string, number> = {};
    for (const n of today) counts[n.category] = (counts[n.category] ?? 0) + 1;
    const data: Record<string, string> = { date: local.date, unread: String(unread) };
    for (const [category, count] of Object.entries(counts)) data[`count.${category}`] = String(count);

    const paragraphs: string[] = [];
    const days = toYmd(local.date).day;
    for (const f of families) {
      const lines = [
        line('digest.family', {
          family: f.name || 'Your family',
          spent: money(f.todayMinor, f.currency),
          categories: f.todayByCategory.length
            ? ' ' +
              line('digest.family.categories', {
                list: f.todayByCategory.map((c) => `${c.label} ${money(c.totalMinor, f.currency)}`).join(', '),
              })
            : '',
        }),
        line('digest.family.month', {
          month: money(f.monthMinor, f.currency),
          days: String(days),
          previous: money(f.previousMinor, f.currency),
        }),
      ];
      if (f.budgets.length) {
        const list = f.budgets.map((b) =>
          b.remainingMinor < 0
            ? line('digest.budget.over', {
                budget: b.name,
                percent: String(b.percent),
                over: money(-b.remainingMinor, f.currency),
              })
            : line('digest.budget', {
                budget: b.name,
                percent: String(b.percent),
                remaining: money(b.remainingMinor, f.currency),
              }),
        );
        lines.push(line('digest.budgets', { list: list.join('; ') }));
      }
      paragraphs.push(lines.join('\n'));
      const p = `family.${f.familyId}`;
      data[`${p}.currency`] = f.currency;
      data[`${p}.spentTodayMinor`] = String(f.todayMinor);
      data[`${p}.monthMinor`] = String(f.monthMinor);
      data[`${p}.choresWaiting`] = String(f.choresWaiting);
    }
    const chores = families.reduce((sum, f) => sum + f.choresWaiting, 0);
    const more = families.some((f) => f.moreChoresWaiting);
    const waiting = [line('digest.waiting', { chores: `${chores}${more ? '+' : ''}`, unread: String(unread) })];
    const categories = Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, count]) => `${category.toLowerCase().replace(/_/g, ' ')} ${count}`);
    if (categories.length) waiting.push(line('digest.notifications', { list: categories.join(', ') }));
    paragraphs.push(waiting.join('\n'));

    const text = render('digest.daily', { date: local.date, summary: paragraphs.join('\n\n') }, locale);
    const notificationId = `digest-${userId}-${local.date}`;
    try {
      const jobId = await d.queues.enqueue({
        channel: 'email',
        job: {
          notificationId,
          userId,
          familyId: parentIn[0]!,
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
