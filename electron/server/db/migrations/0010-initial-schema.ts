import type { Database } from 'better-sqlite3'

/** People, face templates (Float32 LE blobs tagged by model), settings and audit log. */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE people (
      id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
      name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE face_templates (
      id             INTEGER PRIMARY KEY,
      person_id      TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      model_id       TEXT NOT NULL,
      model_version  TEXT NOT NULL,
      dim            INTEGER NOT NULL CHECK (dim > 0),
      embedding      BLOB NOT NULL CHECK (length(embedding) = dim * 4),
      quality        REAL,
      source         TEXT NOT NULL,
      created_at     INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX face_templates_model ON face_templates (model_id, model_version);
    CREATE INDEX face_templates_person ON face_templates (person_id);

    CREATE TABLE settings (
      key    TEXT PRIMARY KEY NOT NULL,
      value  TEXT NOT NULL CHECK (json_valid(value))
    ) STRICT;

    CREATE TABLE audit_log (
      id       INTEGER PRIMARY KEY,
      at       INTEGER NOT NULL,
      actor    TEXT NOT NULL,
      action   TEXT NOT NULL,
      subject  TEXT,
      details  TEXT CHECK (details IS NULL OR json_valid(details))
    ) STRICT;
    CREATE INDEX audit_log_at ON audit_log (at);
  `)
}
