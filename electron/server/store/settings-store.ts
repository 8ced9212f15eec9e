import type { Database } from 'better-sqlite3'
import { withDbErrors } from '../db/sqlite'

/** Reads a JSON setting, or `undefined` when absent. */
export function getSetting<T>(db: Database, key: string): T | undefined {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
  return row ? (JSON.parse(row.value) as T) : undefined
}

export function setSetting(db: Database, key: string, value: unknown): void {
  withDbErrors(() =>
    db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(value)),
  )
}
