import type { Database } from 'better-sqlite3'

/**
 * Issue #12 item 2, "a way in when the face fails", one schema step:
 * - attendance_events is rebuilt so `source` may also be 'pin' (employee id + PIN at the kiosk) or
 *   'badge' (a badge reader + PIN). Every row, column, index and check is kept; SQLite cannot change
 *   a CHECK in place.
 * - person_credentials: a person's kiosk PIN (a salted scrypt hash, sealed with the data key, AAD
 *   `person-pin:<id>`; never the PIN) and optional badge number (unique), with the PIN's wrong-try
 *   counter and lock (kept across a restart). Deleting the person deletes the row.
 * - attendance_review: events an admin should look at (PIN and badge check-ins, face matches of low
 *   confidence): pending until approved; a voided event drops out of the list by itself.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE attendance_events_0085 (
      id             TEXT PRIMARY KEY NOT NULL,
      person_id      TEXT NOT NULL,
      person_name    TEXT NOT NULL,
      direction      TEXT NOT NULL CHECK (direction IN ('in', 'out')),
      at             INTEGER NOT NULL,
      similarity     REAL NOT NULL,
      source         TEXT NOT NULL CHECK (source IN ('kiosk', 'cli', 'manual', 'pin', 'badge')),
      kiosk_id       TEXT NOT NULL,
      created_at     INTEGER NOT NULL,
      superseded_by  TEXT CHECK (superseded_by IS NULL OR superseded_by <> id),
      voided         INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
      reason         TEXT CHECK (reason IS NULL OR length(trim(reason)) BETWEEN 1 AND 500),
      corrects       TEXT CHECK (corrects IS NULL OR (corrects <> id AND reason IS NOT NULL))
    ) STRICT;
    INSERT INTO attendance_events_0085 (id, person_id, person_name, direction, at, similarity, source, kiosk_id, created_at, superseded_by, voided, reason, corrects)
      SELECT id, person_id, person_name, direction, at, similarity, source, kiosk_id, created_at, superseded_by, voided, reason, corrects FROM attendance_events;
    DROP TABLE attendance_events;
    ALTER TABLE attendance_events_0085 RENAME TO attendance_events;
    CREATE INDEX attendance_events_person_at ON attendance_events (person_id, at);
    CREATE INDEX attendance_events_at ON attendance_events (at);
    CREATE UNIQUE INDEX attendance_events_corrects ON attendance_events (corrects) WHERE corrects IS NOT NULL;
    CREATE INDEX attendance_events_effective ON attendance_events (person_id, at) WHERE superseded_by IS NULL AND voided = 0;

    CREATE TABLE person_credentials (
      person_id       TEXT PRIMARY KEY NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      pin_sealed      BLOB,
      badge           TEXT UNIQUE CHECK (badge IS NULL OR length(badge) BETWEEN 1 AND 64),
      failures        INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
      locked_until    INTEGER,
      updated_at      INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE attendance_review (
      event_id     TEXT PRIMARY KEY NOT NULL,
      reason       TEXT NOT NULL CHECK (reason IN ('pin', 'badge', 'low-confidence')),
      created_at   INTEGER NOT NULL,
      approved_at  INTEGER,
      approved_by  TEXT
    ) STRICT;
    CREATE INDEX attendance_review_pending ON attendance_review (created_at) WHERE approved_at IS NULL;
  `)
}
