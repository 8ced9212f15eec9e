import type { Database } from 'better-sqlite3'
import { loadSqlite } from '../db/open-db'
import { migrate } from '../db/migrate'

/** In-memory database with foreign keys on, migrated to `version` (default: newest). */
export function createTestDb(version?: number): Database {
  const Sqlite = loadSqlite()
  const db = new Sqlite(':memory:')
  db.pragma('foreign_keys = ON')
  migrate(db, version)
  return db
}
