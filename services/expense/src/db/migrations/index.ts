import type { Migrations } from '@family/db';
import * as m0001 from './0001_expense.js';
import * as m0002 from './0002_outbox.js';
import * as m0003 from './0003_expense_rollup.js';
import * as m0004 from './0004_default_categories_seeded.js';
import * as m0005 from './0005_event_log.js';
import * as m0006 from './0006_family_config_version.js';
import * as m0007 from './0007_csv_import_jobs.js';
import * as m0008 from './0008_csv_import_chunks.js';
import * as m0009 from './0009_rollup_folded_at_commit.js';

/** Forward-only, applied in name order; never edit one that has shipped — add the next. */
export const migrations: Migrations = {
  '0001_expense': m0001,
  '0002_outbox': m0002,
  '0003_expense_rollup': m0003,
  '0004_default_categories_seeded': m0004,
  '0005_event_log': m0005,
  '0006_family_config_version': m0006,
  '0007_csv_import_jobs': m0007,
  '0008_csv_import_chunks': m0008,
  '0009_rollup_folded_at_commit': m0009,
};
