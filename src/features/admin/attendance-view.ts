import type { AttendanceRow, Direction } from '../../shared/domain/types'
import { parseLocalDateTime } from './dates'

/** How a row stands in the correction trail. */
export type RowState = { kind: 'current' } | { kind: 'voided' } | { kind: 'superseded'; by: AttendanceRow | null; byId: string }

export function rowState(row: AttendanceRow, rows: readonly AttendanceRow[]): RowState {
  if (row.voided) return { kind: 'voided' }
  if (row.supersededBy) return { kind: 'superseded', byId: row.supersededBy, by: rows.find((r) => r.id === row.supersededBy) ?? null }
  return { kind: 'current' }
}

/** Only current rows can be corrected or voided. */
export const isActionable = (row: AttendanceRow) => !row.voided && !row.supersededBy

export type CorrectionDraft = { time: string; direction: Direction; reason: string }

export type CorrectionProblem = 'reason-missing' | 'time-invalid' | 'nothing-changed'

/** The attendance/correct arguments (changed fields only, reason mandatory), or why not. */
export function correctionArgs(
  row: AttendanceRow,
  d: CorrectionDraft,
): { ok: true; args: { eventId: string; at?: number; direction?: Direction; reason: string } } | { ok: false; problem: CorrectionProblem } {
  const reason = d.reason.trim()
  if (!reason) return { ok: false, problem: 'reason-missing' }
  const at = parseLocalDateTime(d.time)
  if (at === null) return { ok: false, problem: 'time-invalid' }
  const args: { eventId: string; at?: number; direction?: Direction; reason: string } = { eventId: row.id, reason }
  // the input has whole seconds: a time left as shown is not a change
  if (Math.floor(at / 1000) !== Math.floor(row.at / 1000)) args.at = at
  if (d.direction !== row.direction) args.direction = d.direction
  if (args.at === undefined && args.direction === undefined) return { ok: false, problem: 'nothing-changed' }
  return { ok: true, args }
}
