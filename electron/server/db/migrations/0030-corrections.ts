import type { Database } from 'better-sqlite3'

/**
 * Manual corrections of attendance, original kept.
 * - `superseded_by`: id of the event that replaced this one (set on the original by a correction).
 * - `voided`: 1 when the event was withdrawn without replacement.
 * - `reason`: why a manual event (a correction or a forgotten scan) was entered.
 * - `corrects`: on a correction, the id of the event it replaces; an event is corrected at most once.
 * "Effective" events are those with `superseded_by IS NULL AND voided = 0`; only they count for payroll.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE attendance_events ADD COLUMN superseded_by TEXT CHECK (superseded_by IS NULL OR superseded_by <> id);
    ALTER TABLE attendance_events ADD COLUMN voided INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1));
    ALTER TABLE attendance_events ADD COLUMN reason TEXT CHECK (reason IS NULL OR length(trim(reason)) BETWEEN 1 AND 500);
    ALTER TABLE attendance_events ADD COLUMN corrects TEXT CHECK (corrects IS NULL OR (corrects <> id AND reason IS NOT NULL));
    CREATE UNIQUE INDEX attendance_events_corrects ON attendance_events (corrects) WHERE corrects IS NOT NULL;
    CREATE INDEX attendance_events_effective ON attendance_events (person_id, at) WHERE superseded_by IS NULL AND voided = 0;
  `)
}
