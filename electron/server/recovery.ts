/**
 * Recovery mode, for both hosts: which start-up failures the kiosk survives (a damaged, newer or
 * read-only database: it starts with the recovery screen, nothing deleted) and the dispatcher that
 * answers every method but host/info with the database error.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { HostInfo } from '../../src/shared/api/contract'
import { HadirError, type ApiResult } from '../../src/shared/api/result'
import type { DispatchFn } from './dispatch'

export type HostRecovery = NonNullable<HostInfo['recovery']>

/** Database failures the host survives in recovery mode (anything else stops it). */
const RECOVERABLE: ReadonlySet<string> = new Set<HostRecovery['code']>(['db-corrupt', 'db-from-future', 'db-not-writable'])

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}

/**
 * The recovery code for a start-up failure, or null when the host must stop. A data folder that
 * does not exist and cannot be made is refused outright (there is nothing to recover or show).
 */
export function recoveryCode(err: unknown, dbFile: string): HostRecovery['code'] | null {
  if (!(err instanceof HadirError) || !RECOVERABLE.has(err.code)) return null
  if (err.code === 'db-not-writable' && (dbFile === ':memory:' || !isDirectory(path.dirname(path.resolve(dbFile))))) return null
  return err.code as HostRecovery['code']
}

/** Recovery mode: host/info says what is wrong (backups listed afresh); every other method answers the error. */
export function recoveryDispatch(info: () => HostInfo, error: { code: HostRecovery['code']; message: string }): DispatchFn {
  return (method) => Promise.resolve<ApiResult<unknown>>(method === 'host/info' ? { ok: true, data: info() } : { ok: false, error: { code: error.code, message: error.message } })
}

