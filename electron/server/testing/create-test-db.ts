import type { Database } from 'better-sqlite3'
import { loadSqlite } from '../db/sqlite'
import { migrate } from '../db/migrate'
import { newDataKey } from '../secrets/data-key'
import { bindDataKey } from '../secrets/store-key'

/** In-memory database with foreign keys on, migrated to `version` (default: newest), with a random data key bound. */
export function createTestDb(version?: number): Database {
  const Sqlite = loadSqlite()
  const db = new Sqlite(':memory:')
  db.pragma('foreign_keys = ON')
  migrate(db, version)
  bindDataKey(db, newDataKey())
  return db
}
