import { beforeEach, describe, expect, it } from 'vitest'
import type { AttendanceEvent, Identification, KioskOutcome } from '../shared/domain/types'
import { declineChange, showOutcome } from './kiosk-actions'
import { useKioskStore } from './kiosk-store'

const identification: Identification = {
  decision: 'match',
  reason: null,
  personId: 'E1',
  name: 'Ani',
  similarity: 0.9,
  secondSimilarity: null,
  threshold: 0.5,
  level: 'normal',
  confidence: 'high',
  frames: 3,
} as unknown as Identification
const event = (direction: 'in' | 'out', at: number, id = `ev-${direction}-${at}`): AttendanceEvent => ({ id, personId: 'E1', personName: 'Ani', direction, at, similarity: 0.9, source: 'kiosk' })
const IN = event('in', 1000)

beforeEach(() => {
  useKioskStore.setState({ phase: 'looking', banner: null, ask: null, tones: { in: 0, out: 0, already: 0, ask: 0, bad: 0 } })
})

describe('showOutcome: one presence, one sound', () => {
  it('a check-in sounds once; the same presence again is shown once as "already recorded", quietly', () => {
    showOutcome({ kind: 'recorded', identification, event: IN, presence: 'new' })
    expect(useKioskStore.getState()).toMatchObject({ phase: 'recognised', banner: { event: IN } })
    const again: KioskOutcome = { kind: 'already-recorded', identification, event: IN, presence: 'continued' }
    for (let i = 0; i < 30; i++) showOutcome(again)
    expect(useKioskStore.getState().phase).toBe('already-recorded')
    expect(useKioskStore.getState().tones).toEqual({ in: 1, out: 0, already: 0, ask: 0, bad: 0 })
  })

  it('a check-out has its own tone and carries the hours of today', () => {
    showOutcome({ kind: 'recorded', identification, event: event('out', 9000), presence: 'new', workedTodayMs: 8 * 3600_000 })
    expect(useKioskStore.getState().banner?.workedTodayMs).toBe(8 * 3600_000)
    expect(useKioskStore.getState().tones.out).toBe(1)
  })

  it('"already recorded" of a new presence (within the cooldown) sounds its soft tone once', () => {
    showOutcome({ kind: 'already-recorded', identification, event: IN, presence: 'new' })
    showOutcome({ kind: 'already-recorded', identification, event: IN, presence: 'new' })
    expect(useKioskStore.getState().tones.already).toBe(1)
  })

  it('"Check out now?" → no: nothing asked of the core, the last record shown', () => {
    showOutcome({ kind: 'needs-direction', identification, ticket: 't', expiresAt: 0, suggested: 'out', last: IN })
    expect(useKioskStore.getState()).toMatchObject({ phase: 'ask-direction', ask: { suggested: 'out', last: IN } })
    declineChange()
    expect(useKioskStore.getState()).toMatchObject({ phase: 'already-recorded', banner: { event: IN }, ask: null })
    expect(useKioskStore.getState().tones.ask).toBe(1)
  })
})
