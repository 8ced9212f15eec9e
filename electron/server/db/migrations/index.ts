import type { Database } from 'better-sqlite3'
import { up as up0010 } from './0010-initial-schema'
import { up as up0020 } from './0020-attendance-outbox'

/** One schema step. Append-only: never edit a shipped migration, add a new one. */
export type Migration = { version: number; name: string; up: (db: Database) => void }

export const MIGRATIONS: readonly Migration[] = [
  { version: 10, name: '0010-initial-schema', up: up0010 },
  { version: 20, name: '0020-attendance-outbox', up: up0020 },
]

export const LATEST_SCHEMA_VERSION = 20
