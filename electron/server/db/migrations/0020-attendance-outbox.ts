import type { Database } from 'better-sqlite3'

/**
 * Attendance events and the HR outbox.
 * `attendance_events.person_id` has no foreign key on purpose: payroll history survives deleting a person
 * (the name is snapshotted in `person_name`). `outbox.id` = event id = the HR idempotency key.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE attendance_events (
      id           TEXT PRIMARY KEY NOT NULL,
      person_id    TEXT NOT NULL,
      person_name  TEXT NOT NULL,
      direction    TEXT NOT NULL CHECK (direction IN ('in', 'out')),
      at           INTEGER NOT NULL,
      similarity   REAL NOT NULL,
      source       TEXT NOT NULL CHECK (source IN ('kiosk', 'cli', 'manual')),
      kiosk_id     TEXT NOT NULL,
      created_at   INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX attendance_events_person_at ON attendance_events (person_id, at);
    CREATE INDEX attendance_events_at ON attendance_events (at);

    CREATE TABLE outbox (
      id               TEXT PRIMARY KEY NOT NULL,
      kind             TEXT NOT NULL,
      payload          TEXT NOT NULL CHECK (json_valid(payload)),
      created_at       INTEGER NOT NULL,
      attempts         INTEGER NOT NULL DEFAULT 0,
      next_attempt_at  INTEGER NOT NULL,
      last_error_code  TEXT,
      sent_at          INTEGER
    ) STRICT;
    CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
  `)
}
