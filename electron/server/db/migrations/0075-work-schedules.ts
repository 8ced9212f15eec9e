import type { Database } from 'better-sqlite3'

/**
 * person_schedules: a person's own work schedule, replacing the office default (a setting). Times are
 * local 'HH:MM' in the attendance rules' zone; days is the ISO weekdays it applies on as digits
 * ('12345' = Monday to Friday). Goes with the person (ON DELETE CASCADE). The application checks that
 * the end comes after the start within the work day (that depends on the day boundary setting).
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE person_schedules (
      person_id      TEXT PRIMARY KEY NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      start_time     TEXT NOT NULL CHECK (length(start_time) = 5 AND start_time GLOB '[0-2][0-9]:[0-5][0-9]'),
      end_time       TEXT NOT NULL CHECK (length(end_time) = 5 AND end_time GLOB '[0-2][0-9]:[0-5][0-9]'),
      tolerance_min  INTEGER NOT NULL CHECK (tolerance_min BETWEEN 0 AND 120),
      days           TEXT NOT NULL CHECK (length(days) BETWEEN 1 AND 7 AND days NOT GLOB '*[^1-7]*'),
      updated_at     INTEGER NOT NULL
    ) STRICT;
  `)
}
