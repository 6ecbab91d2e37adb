// RecordEvents (and EventConsumerService.HandleEvents): the producers' events, already turned into
// activities by the handlers, applied per family through the store, exactly once per event id.
import { requireScope, type Caller } from '@family/grpc-kit';
import { Scopes } from '@family/service-kit';
import type { ActivityEvent } from '../domain/gamification.records.js';
import type { GamificationDeps } from './gamification.deps.js';

/** One delivered event: its family and type, and the activity it is, when the rules count it. */
export interface DeliveredEvent {
  familyId: string;
  type: string;
  activity?: ActivityEvent;
}

/** Families applied at once within one call (below the database pool's size). */
const FAMILIES_IN_FLIGHT = 4;

export class EventRecorder {
  constructor(private readonly deps: GamificationDeps) {}

  async record(caller: Caller, events: readonly DeliveredEvent[]): Promise<{ accepted: number; duplicates: number }> {
    requireScope(caller, Scopes.EVENTS_WRITE);
    const activities: ActivityEvent[] = [];
    for (const e of events) {
      // Member events make the cached member list of the family stale.
      if (e.familyId) this.deps.families.handleEvent({ type: e.type, familyId: e.familyId });
      if (e.activity) activities.push(e.activity);
    }
    const { duplicates } = await this.recordActivities(activities);
    return { accepted: events.length, duplicates };
  }

  /**
   * Applies activities per family through the store, exactly once per event id: the path of every
   * delivered event, and of the activities the service makes itself (a week within the limit).
   */
  async recordActivities(activities: readonly ActivityEvent[]): Promise<{ recorded: number; duplicates: number }> {
    const byFamily = new Map<string, ActivityEvent[]>();
    for (const a of activities) byFamily.set(a.familyId, [...(byFamily.get(a.familyId) ?? []), a]);
    // Families are independent (each its own lock): a few at a time.
    const queue = [...byFamily];
    let recorded = 0;
    let duplicates = 0;
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [familyId, batch] = next;
        const family = await this.deps.families.settings(familyId);
        const outcome = await this.deps.store.record(familyId, batch, {
          timeZone: family.timezone,
          catalog: this.deps.catalog,
        });
        recorded += outcome.recorded;
        duplicates += outcome.duplicates;
      }
    };
    await Promise.all(Array.from({ length: Math.min(FAMILIES_IN_FLIGHT, queue.length) }, worker));
    return { recorded, duplicates };
  }
}
