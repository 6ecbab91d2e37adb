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
import type { DelayedDelivery, DeliveryQueues } from '../store/delivery.queues.js';
import type { RedisClient } from '../store/redis.client.js';
import type { Contact, ContactDirectory } from './contact.directory.js';
import type { EventPlanner, PlannedNotification } from './event.plans.js';
import type { FamilyRoster } from './family.roster.js';
import type { AccountMail } from './account.mail.js';
import { childNews, childSettings, toPreferences } from './preferences.js';

/**
 * Most events notified together: enough to share round trips, few enough that one run's burst of
 * commands and replies never holds the process (and every other request in it) for long.
 */
const RUN_SIZE = 25;

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
  /** Verification and reset links: mailed whatever the settings (account.email_requested). */
  accountMail: AccountMail;
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
    // An event listed twice in one call is handled once (its ids would collide anyway).
    const ids = new Set<string>();
    const unique = events.filter((e) => e.id && !ids.has(e.id) && ids.add(e.id));
    await this.deps.accountMail.send(unique);
    // Know every family's members first (one load for those never seen), then work through the call
    // in runs: the events of a run are planned and notified together, so their Redis reads and writes
    // share round trips, contacts come in one BatchGetUsers and jobs in one bulk add per queue. A
    // member event changes the copy later events are planned from, so it is a run of its own.
    await this.deps.roster.ensure([...new Set(unique.map((e) => e.familyId).filter(Boolean))]);
    let run: DomainEvent[] = [];
    for (const event of unique) {
      if (!changesRoster(event)) {
        run.push(event);
        if (run.length === RUN_SIZE) {
          await this.fanOut(run);
          run = [];
        }
        continue;
      }
      await this.fanOut(run);
      await this.fanOut([event]);
      run = [];
    }
    await this.fanOut(run);
    return events.length;
  }

  private async fanOut(run: DomainEvent[]): Promise<void> {
    if (run.length === 0) return;
    const d = this.deps;
    const planned = await Promise.all(
      run.map(async (event) => {
        // Decide who hears (a read), then apply a member event to the copy (a no-op for the others).
        const plans = await d.planner.plan(event);
        await d.roster.apply(event);
        const seen = await Promise.all(plans.map((p) => d.dedup.seen(event.id, p.userId)));
        return { event, pending: plans.filter((_, i) => !seen[i]) };
      }),
    );
    const work = planned.filter((w) => w.pending.length > 0);
    if (work.length === 0) return;
    const contacts = await d.contacts.contacts(work.flatMap((w) => w.pending.map((p) => p.userId)));
    const zones = new Map<string, Promise<string>>();
    const familyZone = (familyId: string) => {
      let zone = zones.get(familyId);
      if (!zone) zones.set(familyId, (zone = d.contacts.familyZone(familyId)));
      return zone;
    };
    const notified = await Promise.all(
      work.flatMap(({ event, pending }) =>
        pending.map((plan) =>
          this.notify(event, plan, contacts.get(plan.userId), () => familyZone(event.familyId)).then((jobs) => ({
            event,
            plan,
            jobs,
          })),
        ),
      ),
    );
    await d.queues.enqueueMany(notified.flatMap((n) => n.jobs));
    // Only once every recipient's inbox entry, publish and jobs are done: a redelivery repeats the rest.
    await Promise.all(notified.map((n) => d.dedup.mark(n.event.id, n.plan.userId)));
  }

  private async notify(
    event: DomainEvent,
    plan: PlannedNotification,
    contact: Contact | undefined,
    familyZone: () => Promise<string>,
  ): Promise<DelayedDelivery[]> {
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
    const jobs: DelayedDelivery[] = [];
    if (enabled('PUSH')) {
      const tokens = (await d.devices.list(n.userId)).map((x) => x.expoPushToken);
      if (tokens.length > 0) jobs.push({ payload: { channel: 'push', job: { ...base, tokens } }, delayMs: delay });
    }
    // With the daily digest on, non-urgent email waits for the digest.
    // Only to a verified address: an unproven one may belong to someone else.
    if (enabled('EMAIL') && contact?.email && contact.emailVerified && (plan.urgent || !prefs.dailyDigest)) {
      jobs.push({
        payload: { channel: 'email', job: { ...base, to: contact.email, displayName: contact.displayName } },
        delayMs: delay,
      });
    }
    // Escalation texts the parent even where their own SMS setting is off.
    const escalate = plan.escalateSms === true && news?.smsEscalation === true;
    if ((enabled('SMS') || escalate) && contact?.phone) {
      jobs.push({ payload: { channel: 'sms', job: { ...base, to: contact.phone } }, delayMs: delay });
    }
    return jobs;
  }
}

/** Member events: they change this service's copy of the family that later events are planned from. */
function changesRoster(event: DomainEvent): boolean {
  const kind = event.payload?.$case;
  return kind === 'memberJoined' || kind === 'memberRemoved' || kind === 'memberRoleChanged';
}
