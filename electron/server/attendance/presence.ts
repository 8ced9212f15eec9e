/**
 * One presence, one record. The core sees every recognition of a person (the kiosk's tracks end after
 * a short gap and its banner is held for a few seconds, so the same face standing still comes back as
 * a new track every few seconds); this is the ONE place that decides whether a sighting is a new
 * presence or the same one going on.
 *
 * A presence goes on while the person is seen again within `rules.presenceMs` of their last sighting;
 * every sighting extends it, an "already recorded" one too. A new presence is recorded under the
 * attendance rules, except that
 * - within `rules.cooldownMs` of the last record nothing is written either (the cooldown is the floor
 *   between two records, also across a restart, when the presences in memory are gone);
 * - a change of direction within `rules.confirmChangeMs` of the last record is asked ("Check out
 *   now?"), not recorded silently.
 */
import type { AttendanceEvent, Direction } from '../../../src/shared/domain/types'
import { confirmChangeOf, decideDirection, presenceOf, withinCooldown, workDay, type AttendanceRules } from './rules'

/** Last sighting per person, in memory (a restart starts from the last record instead). */
export class Presences {
  private readonly lastSeen = new Map<string, number>()

  /**
   * Notes a sighting of `personId` at `at` and says whether it continues their presence: seen within
   * `windowMs` before (in memory), or their last kiosk record `lastRecordAt` is that recent.
   */
  sight(personId: string, at: number, windowMs: number, lastRecordAt: number | null): boolean {
    const seen = Math.max(this.lastSeen.get(personId) ?? -Infinity, lastRecordAt ?? -Infinity)
    this.lastSeen.set(personId, Math.max(at, this.lastSeen.get(personId) ?? -Infinity))
    this.prune(at, windowMs)
    return windowMs > 0 && Math.abs(at - seen) < windowMs
  }

  /** A record is a sighting too. */
  touch(personId: string, at: number): void {
    this.lastSeen.set(personId, Math.max(at, this.lastSeen.get(personId) ?? -Infinity))
  }

  get size(): number {
    return this.lastSeen.size
  }

  /** Presences long over are forgotten (a big office must not grow the map all day). */
  private prune(at: number, windowMs: number): void {
    if (this.lastSeen.size < 256) return
    const keep = Math.max(windowMs, 60_000)
    for (const [id, t] of this.lastSeen) if (at - t > keep) this.lastSeen.delete(id)
  }
}

/** What to do with a recognised person's sighting. */
export type ScanPlan =
  /** same presence, or within the cooldown of the last record: nothing written */
  | { kind: 'already'; why: 'presence' | 'cooldown' }
  /** ask mode: the person chooses */
  | { kind: 'ask' }
  /** a change of direction soon after the last record: "Check out now?" */
  | { kind: 'confirm'; direction: Direction }
  | { kind: 'record'; direction: Direction }

export type ScanInput = {
  /** the person's latest effective event */
  last: AttendanceEvent | null
  /** their latest effective event at or before `at` (equal to `last` unless a later one exists) */
  prev: Pick<AttendanceEvent, 'at' | 'direction'> | null
  at: number
  rules: AttendanceRules
  /** the sighting continues the person's presence (Presences.sight) */
  continued: boolean
}

/** The plan for a sighting (pure: the caller notes the sighting and writes the record). */
export function planScan({ last, prev, at, rules, continued }: ScanInput): ScanPlan {
  // (a presence that goes on past the end of the work day is a new day's first scan)
  if (last && continued && workDay(last.at, rules) === workDay(at, rules)) return { kind: 'already', why: 'presence' }
  if (last && withinCooldown(last.at, at, rules.cooldownMs)) return { kind: 'already', why: 'cooldown' }
  if (rules.mode === 'ask') return { kind: 'ask' }
  const direction = decideDirection({ prev, at, rules })
  const soon = confirmChangeOf(rules)
  if (last && last.direction !== direction && at - last.at < soon && workDay(last.at, rules) === workDay(at, rules)) {
    return { kind: 'confirm', direction }
  }
  return { kind: 'record', direction }
}

export { presenceOf }
