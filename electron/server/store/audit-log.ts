import type { Database } from 'better-sqlite3'
import { withDbErrors } from '../db/sqlite'

export type AuditEntry = {
  at: number
  actor: string
  action: string
  subject?: string | null
  /** JSON-safe details. Never put embeddings or photos here. */
  details?: Record<string, unknown> | null
}

export type AuditRow = { id: number; at: number; actor: string; action: string; subject: string | null; details: Record<string, unknown> | null }

/** Appends one audit row. Call inside the transaction of the change it describes. */
export function appendAudit(db: Database, e: AuditEntry): void {
  withDbErrors(() =>
    db
      .prepare('INSERT INTO audit_log (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)')
      .run(e.at, e.actor, e.action, e.subject ?? null, e.details == null ? null : JSON.stringify(e.details)),
  )
}

/** Newest first. */
export function listAudit(db: Database, limit = 100): AuditRow[] {
  const rows = db.prepare('SELECT id, at, actor, action, subject, details FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as Array<
    Omit<AuditRow, 'details'> & { details: string | null }
  >
  return rows.map((r) => ({ ...r, details: r.details == null ? null : (JSON.parse(r.details) as Record<string, unknown>) }))
}
