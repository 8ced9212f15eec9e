import type { Database } from 'better-sqlite3'

/**
 * HR sync state.
 * - outbox: `parked` (a permanent rejection waits for an admin, never deleted) with its reason, the
 *   last error and attempt time; delivery order is the outbox's rowid (insertion order).
 * - sync_state: cursors (roster, templates), last success, last error (JSON values).
 * - face_templates: a global `uid` (shared between kiosks of one company), `origin_kiosk` (NULL =
 *   enrolled here) and `shared_at` (pushed to HR).
 * - tombstones: a person's templates erased here (deleted or re-enrolled), to be shared.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE outbox ADD COLUMN parked INTEGER NOT NULL DEFAULT 0 CHECK (parked IN (0, 1));
    ALTER TABLE outbox ADD COLUMN parked_reason TEXT;
    ALTER TABLE outbox ADD COLUMN last_error TEXT;
    ALTER TABLE outbox ADD COLUMN last_attempt_at INTEGER;
    CREATE INDEX outbox_pending ON outbox (sent_at, parked);

    CREATE TABLE sync_state (
      key    TEXT PRIMARY KEY NOT NULL,
      value  TEXT NOT NULL CHECK (json_valid(value))
    ) STRICT;

    ALTER TABLE face_templates ADD COLUMN uid TEXT;
    ALTER TABLE face_templates ADD COLUMN origin_kiosk TEXT;
    ALTER TABLE face_templates ADD COLUMN shared_at INTEGER;
    UPDATE face_templates SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
    CREATE UNIQUE INDEX face_templates_uid ON face_templates (uid);

    CREATE TABLE tombstones (
      id          INTEGER PRIMARY KEY,
      person_id   TEXT NOT NULL,
      deleted_at  INTEGER NOT NULL,
      shared_at   INTEGER
    ) STRICT;
  `)
}
