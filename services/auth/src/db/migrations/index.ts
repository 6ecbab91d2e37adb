import type { Migrations } from '@family/db';
import * as m0001 from './0001_auth.js';
import * as m0002 from './0002_outbox.js';
import * as m0003 from './0003_user_locale.js';
import * as m0004 from './0004_event_log.js';
import * as m0005_region from './0005_family_region.js';
import * as m0006_sealed_keys from './0006_signing_key_encryption.js';
import * as m0007_revocations from './0007_revocations.js';
import * as m0008_account_tokens from './0008_account_tokens.js';

/** Forward-only, applied in name order; never edit one that has shipped — add the next. */
export const migrations: Migrations = {
  '0001_auth': m0001,
  '0002_outbox': m0002,
  '0003_user_locale': m0003,
  '0004_event_log': m0004,
  '0005_family_region': m0005_region,
  '0006_signing_key_encryption': m0006_sealed_keys,
  '0007_revocations': m0007_revocations,
  '0008_account_tokens': m0008_account_tokens,
};
