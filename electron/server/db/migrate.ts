import type { Database } from 'better-sqlite3'
import { HadirError } from '../../../src/shared/api/result'
import { MIGRATIONS, type Migration } from './migrations/index'

/** The database was written by a newer Hadir (its user_version is beyond our newest migration). */
export class DbFromFutureError extends HadirError {
  override name = 'DbFromFutureError'
  readonly dbVersion: number
  readonly latestVersion: number
  constructor(dbVersion: number, latestVersion: number) {
    super(
      'db-from-future',
      `The database has schema version ${dbVersion}, newer than this app supports (${latestVersion}). Update Hadir or use another data folder.`,
      { dbVersion, latestVersion },
    )
    this.dbVersion = dbVersion
    this.latestVersion = latestVersion
  }
}

export function getUserVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/**
 * Throws if versions are not positive multiples of 5 in strictly increasing order (steps of 10 on main;
 * work in parallel takes a block of five numbers, e.g. 0075–0079, so its version is a multiple of 5).
 */
export function checkMigrations(migrations: readonly Migration[]): void {
  let prev = 0
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= 0 || m.version % 5 !== 0) {
      throw new Error(`migration ${m.name}: version ${m.version} is not a positive multiple of 5`)
    }
    if (m.version <= prev) {
      throw new Error(`migration ${m.name}: version ${m.version} is not greater than ${prev} (versions must increase)`)
    }
    prev = m.version
  }
}

export type MigrateResult = { from: number; to: number; applied: number[] }

/**
 * Brings the schema to `targetVersion` (default: the newest migration) on `PRAGMA user_version`.
 * All pending migrations run in one transaction together with the user_version bump,
 * so a failure leaves the database exactly as it was.
 */
export function migrate(db: Database, targetVersion?: number, migrations: readonly Migration[] = MIGRATIONS): MigrateResult {
  checkMigrations(migrations)
  const latest = migrations.length > 0 ? (migrations[migrations.length - 1] as Migration).version : 0
  const target = targetVersion ?? latest
  if (target !== 0 && !migrations.some((m) => m.version === target)) {
    throw new Error(`unknown target schema version ${target}`)
  }
  const current = getUserVersion(db)
  if (current > latest) throw new DbFromFutureError(current, latest)
  if (current >= target) return { from: current, to: current, applied: [] }

  const pending = migrations.filter((m) => m.version > current && m.version <= target)
  db.transaction(() => {
    for (const m of pending) m.up(db)
    db.pragma(`user_version = ${target}`)
  })()
  return { from: current, to: target, applied: pending.map((m) => m.version) }
}
