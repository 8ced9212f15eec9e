import type { Database } from 'better-sqlite3'
import { up as up0010 } from './0010-initial-schema'
import { up as up0020 } from './0020-attendance-outbox'
import { up as up0030 } from './0030-corrections'
import { up as up0040 } from './0040-people-department'
import { up as up0050 } from './0050-sync'
import { up as up0060 } from './0060-sealed-templates'
import { up as up0080 } from './0080-security'
import { up as up0075 } from './0075-work-schedules'
import { up as up0085 } from './0085-pin-badge'
import { up as up0090 } from './0090-consent'

/** One schema step. Append-only: never edit a shipped migration, add a new one. */
export type Migration = { version: number; name: string; up: (db: Database) => void }

export const MIGRATIONS: readonly Migration[] = [
  { version: 10, name: '0010-initial-schema', up: up0010 },
  { version: 20, name: '0020-attendance-outbox', up: up0020 },
  { version: 30, name: '0030-corrections', up: up0030 },
  { version: 40, name: '0040-people-department', up: up0040 },
  { version: 50, name: '0050-sync', up: up0050 },
  { version: 60, name: '0060-sealed-templates', up: up0060 },
  { version: 75, name: '0075-work-schedules', up: up0075 },
  { version: 80, name: '0080-security', up: up0080 },
  { version: 85, name: '0085-pin-badge', up: up0085 },
  { version: 90, name: '0090-consent', up: up0090 },
]

export const LATEST_SCHEMA_VERSION = 90
