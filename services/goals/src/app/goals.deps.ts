import type { Kysely } from 'kysely';
import type { GoalsDatabase } from '../db/schema.js';
import type { LedgerStore } from '../store/ledger.store.js';
import type { JarSettingsStore } from '../store/jar-settings.store.js';
import type { GoalsStore } from '../store/goals.store.js';
import type { ChoresStore } from '../store/chores.store.js';
import type { AllowancesStore } from '../store/allowances.store.js';
import type { Access, Actor, FamilyDirectory } from '@family/service-kit';
import type { GoalEvents } from './goal.events.js';
import type { JarPostings, PostingContext } from './jar.postings.js';

/** Everything the use cases need, built once by the composition root. */
export interface GoalsDeps {
  db: Kysely<GoalsDatabase>;
  familyDirectory: FamilyDirectory;
  ledger: LedgerStore;
  jarSettings: JarSettingsStore;
  goals: GoalsStore;
  chores: ChoresStore;
  allowances: AllowancesStore;
  access: Access;
  events: GoalEvents;
  postings: JarPostings;
  clock: () => Date;
}

/** The posting context of a request made by `actor` now. */
export function postingContext(actor: Actor, at: Date): PostingContext {
  return {
    familyId: actor.familyId,
    currency: actor.family.currency,
    timezone: actor.family.timezone,
    at,
    createdByMemberId: actor.memberId,
  };
}
