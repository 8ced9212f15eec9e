import type { Database } from 'better-sqlite3'

/**
 * Issue #12 item 4 (privacy, UU PDP): a person's consent to face processing, recorded before any
 * template of theirs is stored. One row per person: who gave it is the person (`person_id`), `given_by`
 * the admin who took it (the name typed at enrollment or `--consent-by`), `recorded_by` the session or
 * transport that stored it, `given_at` when. Revoking keeps the row (`revoked_at`, `revoked_by`) as the
 * record that consent once existed; the templates are erased in the same transaction. A new consent
 * after a revoke replaces the row (the audit log keeps the history). Deleting the person deletes it.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE consents (
      person_id    TEXT PRIMARY KEY NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      given_by     TEXT NOT NULL,
      given_at     INTEGER NOT NULL,
      recorded_by  TEXT NOT NULL,
      revoked_at   INTEGER,
      revoked_by   TEXT
    ) STRICT;
  `)
}
