import type { Database } from 'better-sqlite3'

/** people.department: free-text department or team, at most 200 characters, NULL when not given. */
export function up(db: Database): void {
  db.exec(`ALTER TABLE people ADD COLUMN department TEXT CHECK (department IS NULL OR length(department) <= 200)`)
}
