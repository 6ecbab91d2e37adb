export { openSql, type SqlHandle, type OpenSqlOptions } from './sql.handle.js';
export { createKysely, PREPARED_PER_CONNECTION } from './kysely.factory.js';
export { migrateToLatest, type Migration, type Migrations } from './migrate.js';
export { newId } from './ids.js';
export { isUniqueViolation } from './pg.errors.js';
export { pgArray, type PgArrayElement } from './pg.arrays.js';
export {
  sql,
  type Kysely,
  type Transaction,
  type Selectable,
  type Insertable,
  type Updateable,
  type Generated,
  type ColumnType,
} from 'kysely';
export {
  pageLimit,
  pageCursor,
  afterIdPage,
  type PageInput,
  type CursorCodec,
  encodeCursor,
  decodeCursor,
  toPage,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
} from './page.cursor.js';
