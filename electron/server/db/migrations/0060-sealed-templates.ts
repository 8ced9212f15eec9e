import type { Database } from 'better-sqlite3'

/**
 * Face templates sealed at rest (AES-256-GCM under a data key kept outside the database).
 * A sealed blob is longer than `dim * 4`, so the table is rebuilt without 0010's
 * `CHECK (length(embedding) = dim * 4)` (SQLite cannot drop a CHECK); the check stays for rows still
 * in clear. New column `sealed` (0 = clear, as every row copied here: createApp seals them at the
 * first start with the data key). `uid` becomes NOT NULL (a missing one is given now): the sealed
 * blob is bound to it.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE face_templates_0060 (
      id             INTEGER PRIMARY KEY,
      person_id      TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      model_id       TEXT NOT NULL,
      model_version  TEXT NOT NULL,
      dim            INTEGER NOT NULL CHECK (dim > 0),
      embedding      BLOB NOT NULL,
      quality        REAL,
      source         TEXT NOT NULL,
      created_at     INTEGER NOT NULL,
      uid            TEXT NOT NULL,
      origin_kiosk   TEXT,
      shared_at      INTEGER,
      sealed         INTEGER NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1)),
      CHECK (sealed = 1 OR length(embedding) = dim * 4)
    ) STRICT;

    INSERT INTO face_templates_0060 (id, person_id, model_id, model_version, dim, embedding, quality, source, created_at, uid, origin_kiosk, shared_at, sealed)
      SELECT id, person_id, model_id, model_version, dim, embedding, quality, source, created_at,
             coalesce(uid, lower(hex(randomblob(16)))), origin_kiosk, shared_at, 0
      FROM face_templates;

    DROP TABLE face_templates;
    ALTER TABLE face_templates_0060 RENAME TO face_templates;

    CREATE INDEX face_templates_model ON face_templates (model_id, model_version);
    CREATE INDEX face_templates_person ON face_templates (person_id);
    CREATE UNIQUE INDEX face_templates_uid ON face_templates (uid);
  `)
}
