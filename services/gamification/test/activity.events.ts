// Builds normalized activity events for the rule tests.
import type { ActivityEvent, ActivityType } from '../src/domain/gamification.records.js';

export const FAMILY = 'family-1';
export const CHILD = 'member-child';

let sequence = 0;

export function activity(
  type: ActivityType,
  at: string,
  extra: Partial<Omit<ActivityEvent, 'type' | 'occurredAt'>> = {},
): ActivityEvent {
  sequence += 1;
  return {
    eventId: `event-${String(sequence).padStart(5, '0')}`,
    familyId: FAMILY,
    memberId: CHILD,
    ...extra,
    type,
    occurredAt: new Date(at),
  };
}

/** A deterministic shuffle (a fixed-seed linear congruential generator), so a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
