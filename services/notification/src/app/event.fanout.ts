// HandleEvents: each domain event becomes one notification per recipient — stored in the inbox and
// published for live updates (IN_APP), and one BullMQ job per other enabled channel, deferred past
// quiet hours unless urgent. Idempotent: ids derive from (event, recipient) and a dedup marker is set
// once all of a recipient's work is done, so a redelivered event repeats nothing visible.
import { requireScope, type Caller } from '@family/grpc-kit';
import { Scopes } from '@family/service-kit';
import { userEventsChannel } from '@family/delivery-jobs';
import type { Logger } from '@family/logger';
import type { DomainEvent } from '@family/contracts/events/v1/events';
import {
  CHILD_NEWS_CATEGORIES,
  type Category,
  type Channel,
  type StoredNotification,
} from '../domain/notification.types.js';
import { isEnabled } from '../domain/preference.defaults.js';
import { render } from '../domain/message.templates.js';
import { notificationId } from '../domain/notification.ids.js';
import { quietDelayMs } from '../domain/quiet.hours.js';
import type { InboxStore } from '../store/inbox.store.js';
import type { PreferencesStore } from '../store/preferences.store.js';
import type { DevicesStore } from '../store/devices.store.js';
import type { DedupStore } from '../store/dedup.store.js';
import type { DeliveryQueues } from '../store/delivery.queues.js';
import type { RedisClient } from '../store/redis.client.js';
import type { Contact, ContactDirectory } from './contact.directory.js';
import type { EventPlanner, PlannedNotification } from './event.plans.js';
import type { FamilyRoster } from './family.roster.js';
import { childNews, childSettings, toPreferences } from './preferences.js';

const isChildNews = (category: Category) => (CHILD_NEWS_CATEGORIES as readonly Category[]).includes(category);

export interface FanoutDeps {
  planner: EventPlanner;
  roster: FamilyRoster;
  inbox: InboxStore;
  preferences: PreferencesStore;
  devices: DevicesStore;
  dedup: DedupStore;
  queues: DeliveryQueues;
  contacts: ContactDirectory;
  redis: RedisClient;
  keyPrefix: string;
  clock: () => Date;
  logger: Logger;
}

/** The JSON published on a user's events channel (the BFF streams it as an SSE `data:`). */
export function publicNotification(n: StoredNotification & { readAt?: string }) {
  return {
    id: n.id,
    familyId: n.familyId,
    category: n.category,
    title: n.title,
    body: n.body,
    data: n.data,
    createdAt: n.createdAt,
    readAt: n.readAt ?? null,
    urgent: n.urgent,
    eventId: n.eventId,
  };
}

export class EventFanout {
  constructor(private readonly deps: FanoutDeps) {}

  async handle(caller: Caller, events: DomainEvent[]): Promise<number> {
    requireScope(caller, Scopes.EVENTS_WRITE);
    for (const event of events) {
      if (!event.id) continue;
      // Know the family's members, decide who hears (a read), then apply a member event to the copy.
      if (event.familyId) await this.deps.roster.ensure([event.familyId]);
      const plans = await this.deps.planner.plan(event);
      await this.deps.roster.apply(event);
      const pending: PlannedNotification[] = [];
      for (const p of plans) if (!(await this.deps.dedup.seen(event.id, p.userId))) pending.push(p);
      if (pending.length === 0) continue;
      const contacts = await this.deps.contacts.contacts(pending.map((p) => p.userId));
      let zone: string | undefined;
      const familyZone = async () => (zone ??= await this.deps.contacts.familyZone(event.familyId));
      for (const plan of pending) await this.notify(event, plan, contacts.get(plan.userId), familyZone);
    }
    return events.length;
  }

  private async notify(
    event: DomainEvent,
    plan: PlannedNotification,
    contact: Contact | undefined,
    familyZone: () => Promise<string>,
  ): Promise<void> {
    const d = this.deps;
    const prefs = toPreferences(await d.preferences.get(plan.userId));
    const child = plan.childMemberId;
    // A child: what their parents allow them. A parent hearing about a child: what they chose to hear.
    const control =
      child && plan.toChild ? childSettings(child, await d.preferences.getChild(event.familyId, child)) : undefined;
    const news =
      child && !plan.toChild && plan.memberId && isChildNews(plan.category)
        ? childNews(
            child,
            plan.memberId,
            (await d.preferences.getChildNews(event.familyId, plan.memberId, [child])).get(child),
          )
        : undefined;
    const enabled = (channel: Channel) =>
      isEnabled(prefs.settings, plan.category, channel) &&
      (!control || isEnabled(control.settings, plan.category, channel)) &&
      (!news || isEnabled(news.settings, plan.category, channel));
    const text = render(plan.template, plan.params, contact?.locale || undefined);
    const n: StoredNotification = {
      id: notificationId(event.id, plan.userId),
      userId: plan.userId,
      familyId: event.familyId,
      category: plan.category,
      title: text.title,
      body: text.body,
      data: plan.data,
      createdAt: (event.occurredAt ?? d.clock()).toISOString(),
      urgent: plan.urgent,
      eventId: event.id,
    };

    if (enabled('IN_APP') && (await d.inbox.add(n))) {
      await d.redis.publish(userEventsChannel(d.keyPrefix, n.userId), JSON.stringify(publicNotification(n)));
    }

    const now = d.clock();
    const interrupt = plan.urgent && prefs.urgentOverride;
    const delay = interrupt
      ? 0
      : quietDelayMs(prefs.quietHours, prefs.quietHours.timezone || (await familyZone()), now);
    const base = {
      notificationId: n.id,
      userId: n.userId,
      familyId: n.familyId,
      category: n.category,
      title: n.title,
      body: n.body,
      data: n.data,
      urgent: n.urgent,
    };
    if (enabled('PUSH')) {
      const tokens = (await d.devices.list(n.userId)).map((x) => x.expoPushToken);
      if (tokens.length > 0) await d.queues.enqueue({ channel: 'push', job: { ...base, tokens } }, delay);
    }
    // With the daily digest on, non-urgent email waits for the digest.
    if (enabled('EMAIL') && contact?.email && (plan.urgent || !prefs.dailyDigest)) {
      await d.queues.enqueue(
        { channel: 'email', job: { ...base, to: contact.email, displayName: contact.displayName } },
        delay,
      );
    }
    // Escalation texts the parent even where their own SMS setting is off.
    const escalate = plan.escalateSms === true && news?.smsEscalation === true;
    if ((enabled('SMS') || escalate) && contact?.phone) {
      await d.queues.enqueue({ channel: 'sms', job: { ...base, to: contact.phone } }, delay);
    }
    await d.dedup.mark(event.id, n.userId);
  }
}
