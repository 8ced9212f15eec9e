import type { Database } from 'better-sqlite3'

/**
 * Issue #14 (security), one schema step:
 * - kiosk_sessions: pages paired with the host (`kiosk/pair`). The session token is kept only as its
 *   SHA-256; the MAC key sealed with the data key (AAD `kiosk-session:<id>`), so a copied database
 *   yields neither. `counter_high` and `counter_window` (hex bitmap of the 64 counters below it) are
 *   the attested-call replay window, kept across a restart of the host.
 * - pairing_codes: one-time codes made by `npm run cli -- pair`, as SHA-256; `used_at` marks the
 *   exchanged ones (a second use is `pair-code-used`, not merely unknown).
 * - admin_attempts: wrong PINs per attempt source (each paired page, the CLI) with its back-off lock;
 *   replaces the one global lock in settings `admin.lock` (dropped: it locked everyone out).
 * - outbox.depends_on: the event a correction or void refers to. HR sync sends such a row only after
 *   that event was accepted, so a rejected event holds back what depends on it. Backfilled from the
 *   payloads already queued.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE kiosk_sessions (
      id              TEXT PRIMARY KEY NOT NULL,
      token_hash      TEXT NOT NULL UNIQUE,
      mac_key         BLOB NOT NULL,
      transport       TEXT NOT NULL CHECK (transport IN ('http', 'ipc', 'direct')),
      created_at      INTEGER NOT NULL,
      last_seen_at    INTEGER NOT NULL,
      counter_high    INTEGER NOT NULL DEFAULT 0,
      counter_window  TEXT NOT NULL DEFAULT '0'
    ) STRICT;

    CREATE TABLE pairing_codes (
      code_hash   TEXT PRIMARY KEY NOT NULL,
      created_at  INTEGER NOT NULL,
      expires_at  INTEGER NOT NULL,
      created_by  TEXT NOT NULL,
      used_at     INTEGER,
      session_id  TEXT
    ) STRICT;

    CREATE TABLE admin_attempts (
      source        TEXT PRIMARY KEY NOT NULL,
      failures      INTEGER NOT NULL CHECK (failures >= 0),
      locked_until  INTEGER,
      last_at       INTEGER NOT NULL
    ) STRICT;
    DELETE FROM settings WHERE key = 'admin.lock';

    ALTER TABLE outbox ADD COLUMN depends_on TEXT;
    UPDATE outbox SET depends_on = CASE
        WHEN json_extract(payload, '$.voided') = 1 THEN json_extract(payload, '$.id')
        ELSE json_extract(payload, '$.corrects')
      END
      WHERE kind = 'attendance-correction';
    CREATE INDEX outbox_depends_on ON outbox (depends_on) WHERE depends_on IS NOT NULL;
  `)
}
