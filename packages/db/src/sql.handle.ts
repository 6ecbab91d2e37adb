// One connection source per process: a pg pool for a real server, or one embedded PGlite database
// (when no DATABASE_URL is given) shared by every service running in the process.
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { Mutex } from './mutex.js';

// Column types read the same way from both sources: int8 as number (money in minor units stays far
// below 2^53), date as the 'YYYY-MM-DD' text it is, timestamptz as Date.
const INT8 = 20;
const DATE = 1082;
const parseInt8 = (v: string) => Number(v);
const keepText = (v: string) => v;

export type SqlHandle =
  | { kind: 'pg'; pool: pg.Pool; close(): Promise<void> }
  | { kind: 'pglite'; db: PGlite; lock: Mutex; close(): Promise<void> };

export interface OpenSqlOptions {
  /** postgres:// URL; when absent an embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** PGlite data folder; in memory when absent. */
  dataDir?: string | undefined;
  poolSize?: number;
}

export async function openSql(options: OpenSqlOptions): Promise<SqlHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === INT8) return parseInt8;
          if (oid === DATE) return keepText;
          return pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    return { kind: 'pg', pool, close: () => pool.end() };
  }
  const db = await PGlite.create(options.dataDir ?? 'memory://', {
    parsers: { [INT8]: parseInt8, [DATE]: keepText },
  });
  return { kind: 'pglite', db, lock: new Mutex(), close: () => db.close() };
}
