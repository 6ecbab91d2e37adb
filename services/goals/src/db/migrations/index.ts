import type { Migrations } from '@family/db';
import * as m0001 from './0001_goals.js';
import * as m0002 from './0002_outbox.js';
import * as m0003 from './0003_event_log.js';
import * as m0004 from './0004_badge_rewards.js';

/** Forward-only, applied in name order; never edit one that has shipped — add the next. */
export const migrations: Migrations = {
  '0001_goals': m0001,
  '0002_outbox': m0002,
  '0003_event_log': m0003,
  '0004_badge_rewards': m0004,
};
