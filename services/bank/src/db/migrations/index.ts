import type { Migrations } from '@family/db';
import * as m0001 from './0001_bank.js';
import * as m0002 from './0002_event_log.js';
import * as m0003 from './0003_hosted_link_sessions.js';

/** Forward-only, applied in name order; never edit one that has shipped — add the next. */
export const migrations: Migrations = {
  '0001_bank': m0001,
  '0002_event_log': m0002,
  '0003_hosted_link_sessions': m0003,
};
