import type { Database } from 'better-sqlite3'
import { HadirError } from '../../../src/shared/api/result'
import { withDbErrors } from '../db/sqlite'
import { appendAudit } from './audit-log'
import { deleteTemplatesOf } from './template-store'

/**
 * A person's consent to face processing (UU PDP, Law 27 of 2022: biometric data is specific personal
 * data and needs the person's explicit consent). `givenBy`: the admin who took it; `recordedBy`: the
 * session or transport that stored it. A revoked consent keeps its row with `revokedAt`/`revokedBy`.
 */
export type ConsentRecord = { personId: string; givenBy: string; givenAt: number; recordedBy: string; revokedAt: number | null; revokedBy: string | null }

type ConsentRow = { person_id: string; given_by: string; given_at: number; recorded_by: string; revoked_at: number | null; revoked_by: string | null }

const toRecord = (r: ConsentRow): ConsentRecord => ({
  personId: r.person_id,
  givenBy: r.given_by,
  givenAt: r.given_at,
  recordedBy: r.recorded_by,
  revokedAt: r.revoked_at,
  revokedBy: r.revoked_by,
})

/** The person's consent row (in force or revoked); null when none was ever recorded. */
export function getConsent(db: Database, personId: string): ConsentRecord | null {
  const r = db.prepare('SELECT * FROM consents WHERE person_id = ?').get(personId) as ConsentRow | undefined
  return r ? toRecord(r) : null
}

/** A consent is on file and not revoked. */
export function hasConsent(db: Database, personId: string): boolean {
  return db.prepare('SELECT 1 FROM consents WHERE person_id = ? AND revoked_at IS NULL').get(personId) !== undefined
}

/** Refuses with 'consent-required' unless the person has a consent in force. */
export function requireConsent(db: Database, personId: string): void {
  if (!hasConsent(db, personId)) {
    throw new HadirError(
      'consent-required',
      `${personId} has not given consent to face processing: record who took the consent (consentBy) before enrolling; nothing was stored`,
      { personId },
    )
  }
}

/**
 * Records the person's consent, taken by the admin `givenBy` (trimmed, 1–100 characters). A consent
 * already in force is kept as it is (returned unchanged, not audited again). Audited 'consent.given'.
 * 'not-found' when the person does not exist, 'invalid-args' for an empty admin name.
 */
export function recordConsent(db: Database, input: { personId: string; givenBy: string }, ctx: { now: number; actor: string }): ConsentRecord {
  const givenBy = input.givenBy.trim()
  if (givenBy === '' || [...givenBy].length > 100) throw new HadirError('invalid-args', 'the name of the admin who took the consent is required (at most 100 characters)', { field: 'consentBy', problem: 'consent-by' })
  return withDbErrors(() =>
    db.transaction(() => {
      if (!db.prepare('SELECT 1 FROM people WHERE id = ?').get(input.personId)) throw new HadirError('not-found', `No person with id ${input.personId}`, { personId: input.personId })
      const current = getConsent(db, input.personId)
      if (current && current.revokedAt === null) return current
      db.prepare(
        `INSERT INTO consents (person_id, given_by, given_at, recorded_by, revoked_at, revoked_by) VALUES (?, ?, ?, ?, NULL, NULL)
         ON CONFLICT (person_id) DO UPDATE SET given_by = excluded.given_by, given_at = excluded.given_at, recorded_by = excluded.recorded_by, revoked_at = NULL, revoked_by = NULL`,
      ).run(input.personId, givenBy, ctx.now, ctx.actor)
      appendAudit(db, { at: ctx.now, actor: ctx.actor, action: 'consent.given', subject: input.personId, details: { givenBy } })
      return getConsent(db, input.personId) as ConsentRecord
    })(),
  )
}

/**
 * Revokes the person's consent: every template of theirs is erased (with a tombstone for HR, so other
 * kiosks erase theirs too), the consent row is marked revoked, one 'consent.revoked' audit row with
 * the count, all in one transaction. Attendance history is kept. 'not-found' when the person does not
 * exist; revoking when no consent is in force still erases any templates (e.g. from before consent
 * was recorded). Returns how many templates were erased.
 */
export function revokeConsent(db: Database, personId: string, ctx: { now: number; actor: string }): { templates: number } {
  return withDbErrors(() =>
    db.transaction(() => {
      if (!db.prepare('SELECT 1 FROM people WHERE id = ?').get(personId)) throw new HadirError('not-found', `No person with id ${personId}`, { personId })
      // other kiosks may hold this face (shared through HR) even when this one has none: HR hears of it anyway
      const templates = deleteTemplatesOf(db, personId, { now: ctx.now, actor: ctx.actor, tombstone: 'always' })
      const had = hasConsent(db, personId)
      db.prepare('UPDATE consents SET revoked_at = ?, revoked_by = ? WHERE person_id = ? AND revoked_at IS NULL').run(ctx.now, ctx.actor, personId)
      appendAudit(db, { at: ctx.now, actor: ctx.actor, action: 'consent.revoked', subject: personId, details: { templates, hadConsent: had } })
      return { templates }
    })(),
  )
}
