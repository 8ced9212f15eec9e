import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import type { ApiArgs, ApiData, ApiMethod } from '../../src/shared/api/contract'
import type { ApiResult } from '../../src/shared/api/result'
import { dispatch } from './dispatch'
import { createHandlers, type ServerHandlers } from './handlers'
import { FaceIndex } from './recognition/face-index'
import { listOutbox } from './store/attendance-store'
import { listAudit } from './store/audit-log'
import { countTemplates } from './store/template-store'
import { createTestDb } from './testing/create-test-db'
import { emb, fakeClock, LIVE, LIVE_TRACK, PASSED_BLINK, PASSED_TURN_LEFT, TEST_MODEL, testHostInfo, testRecognition, track } from './testing/fixtures'

const T0 = new Date(2025, 0, 6, 8, 0, 0).getTime() // Monday 08:00 local
const MIN = 60_000

let db: Database
let index: FaceIndex
let handlers: ServerHandlers
let clock: ReturnType<typeof fakeClock>

async function call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiData<M>> {
  const res = (await dispatch(handlers, method, args, { transport: 'direct' })) as ApiResult<ApiData<M>>
  if (!res.ok) throw new Error(`${method} failed: ${res.error.code} ${res.error.message}`)
  return res.data
}
const callRaw = (method: string, args: unknown) => dispatch(handlers, method, args, { transport: 'direct' })

beforeEach(async () => {
  db = createTestDb()
  index = new FaceIndex(TEST_MODEL)
  clock = fakeClock(T0)
  handlers = createHandlers({ db, index, hostInfo: () => testHostInfo(), recognition: testRecognition(0.5), cooldownMs: 5 * MIN, now: clock.now, kioskId: 'kiosk-A' })
  await call('people/upsert', { id: 'E1', name: 'Ani' })
  await call('people/upsert', { id: 'E2', name: 'Budi' })
  await call('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: 'test admin', quality: 0.9 })
  await call('enrollment/add-template', { ...emb([0, 1, 0, 0]), personId: 'E2', consentBy: 'test admin' })
})
afterEach(() => db.close())

describe('handlers: people and enrollment', () => {
  it('lists people with template counts, adds templates to the index', async () => {
    expect((await call('people/list', {})).map((p) => [p.id, p.templates])).toEqual([
      ['E1', 1],
      ['E2', 1],
    ])
    expect(index.size).toBe(2)
    expect(await call('host/info', {})).toEqual(testHostInfo())
  })

  it('add-template for an unknown person is not-found and leaves the index alone', async () => {
    const res = await callRaw('enrollment/add-template', { ...emb([1, 1, 0, 0]), personId: 'ghost', consentBy: 'test admin' })
    expect(res).toMatchObject({ ok: false, error: { code: 'not-found' } })
    expect(index.size).toBe(2)
  })

  it('people/delete removes templates from the store and the index at once', async () => {
    expect(await call('people/delete', { personId: 'E1' })).toEqual({ deleted: true, templates: 1 })
    expect(index.hasPerson('E1')).toBe(false)
    expect(countTemplates(db, 'E1')).toBe(0)
    const id = await call('recognition/identify', emb([1, 0, 0, 0]))
    expect(id.personId).not.toBe('E1')
    expect(id.decision).toBe('unknown')
    expect(await call('people/delete', { personId: 'E1' })).toEqual({ deleted: false, templates: 0 })
  })

  it('audits with the actor from the context', async () => {
    await dispatch(handlers, 'people/upsert', { id: 'E3', name: 'Citra' }, { transport: 'direct', actor: 'admin' })
    expect(listAudit(db, 1)[0]).toMatchObject({ actor: 'admin', action: 'person.create', subject: 'E3' })
  })
})

describe('handlers: identify', () => {
  it('matches above threshold with confidence and second-best similarity', async () => {
    const id = await call('recognition/identify', emb([0.9, 0.1, 0, 0]))
    expect(id).toMatchObject({ decision: 'match', personId: 'E1', name: 'Ani', confidence: 'high', threshold: 0.5 })
    expect(id.similarity).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 5)
    expect(id.secondSimilarity).toBeCloseTo(0.1 / Math.hypot(0.9, 0.1), 5)
  })

  it('below threshold is unknown, unnamed', async () => {
    const id = await call('recognition/identify', emb([0, 0, 1, 0.2]))
    expect(id).toMatchObject({ decision: 'unknown', name: null, confidence: 'low' })
    expect(id.similarity).toBe(0)
  })

  it('empty gallery: identify is a clear empty-gallery error, the kiosk answers unknown and writes nothing', async () => {
    await call('people/delete', { personId: 'E1' })
    await call('people/delete', { personId: 'E2' })
    expect(await callRaw('recognition/identify', emb([1, 0, 0, 0]))).toMatchObject({ ok: false, error: { code: 'empty-gallery' } })
    const out = await call('kiosk/recognize', track([1, 0, 0, 0]))
    expect(out).toMatchObject({ kind: 'unknown', identification: { decision: 'unknown', reason: 'empty-gallery', personId: null, frames: 1 } })
    expect(await call('attendance/list', {})).toEqual([])
  })

  it('security levels: the same face matches at normal and is unknown at very-high; the level is a stored, audited setting', async () => {
    const probe = emb([0.62, 0, 0.78, 0]) // cosine ≈ 0.62 with E1
    expect(await call('recognition/identify', probe)).toMatchObject({ decision: 'match', personId: 'E1', level: 'normal', threshold: 0.5 })
    expect(await call('recognition/identify', { ...probe, level: 'very-high' })).toMatchObject({ decision: 'unknown', reason: 'below-threshold', personId: 'E1', threshold: 0.7 })
    expect(await call('settings/get', {})).toMatchObject({ securityLevel: 'normal', thresholds: { normal: 0.5, high: 0.6, 'very-high': 0.7 } })
    expect(await call('settings/update', { securityLevel: 'very-high' })).toMatchObject({ securityLevel: 'very-high' })
    expect(await call('recognition/identify', probe)).toMatchObject({ decision: 'unknown', level: 'very-high' })
    expect(listAudit(db, 1)[0]).toMatchObject({ action: 'settings.security-level' })
    expect(await callRaw('settings/update', { securityLevel: 'paranoid' })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
  })

  it('margin test: a face between two people is ambiguous, not a match', async () => {
    const id = await call('recognition/identify', emb([0.7, 0.69, 0, 0]))
    expect(id).toMatchObject({ decision: 'unknown', reason: 'ambiguous', personId: 'E1', name: null })
  })

  it('model mismatch, wrong dim, NaN, non-array → coded errors', async () => {
    expect(await callRaw('recognition/identify', { modelId: 'other', modelVersion: '1', embedding: [1, 0, 0, 0] })).toMatchObject({
      ok: false,
      error: { code: 'model-mismatch' },
    })
    expect(await callRaw('recognition/identify', { ...emb([1, 0, 0, 0]), modelVersion: '2' })).toMatchObject({ ok: false, error: { code: 'model-mismatch' } })
    expect(await callRaw('recognition/identify', emb([1, 0, 0]))).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    expect(await callRaw('recognition/identify', emb([1, Number.NaN, 0, 0]))).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    expect(await callRaw('recognition/identify', { ...emb([]), embedding: 'nope' })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    expect(await callRaw('recognition/identify', { ...emb([]), embedding: [1, '2', 0, 0] })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    expect(await callRaw('enrollment/add-template', { ...emb([0, 0, 0, 0]), personId: 'E1', consentBy: 'test admin' })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
  })
})

describe('handlers: enrollment rules', () => {
  it('refuses a face already enrolled as someone else, naming them, and stores nothing', async () => {
    await call('people/upsert', { id: 'E3', name: 'Citra' })
    const res = await callRaw('enrollment/add-template', { ...emb([0.95, 0.05, 0, 0]), personId: 'E3', consentBy: 'test admin' })
    expect(res).toMatchObject({ ok: false, error: { code: 'duplicate-face', details: { personId: 'E1', name: 'Ani' } } })
    expect(countTemplates(db, 'E3')).toBe(0)
    expect(index.size).toBe(2)
    // a second template of the same person is fine
    expect(await call('enrollment/add-template', { ...emb([0.95, 0.05, 0, 0]), personId: 'E1', consentBy: 'test admin' })).toHaveProperty('templateId')
  })

  it('people enrolled only with another model are flagged for re-enrollment', async () => {
    const other = new FaceIndex({ modelId: 'old-model', modelVersion: '0', dim: 4 })
    const oldHandlers = createHandlers({ db, index: other, hostInfo: () => testHostInfo(), recognition: testRecognition(0.5), cooldownMs: 0, now: clock.now, kioskId: 'k' })
    await dispatch(oldHandlers, 'people/upsert', { id: 'E9', name: 'Old' }, { transport: 'direct' })
    await dispatch(oldHandlers, 'enrollment/add-template', { modelId: 'old-model', modelVersion: '0', embedding: [0, 0, 0, 1], personId: 'E9', consentBy: 'test admin' }, { transport: 'direct' })
    const people = await call('people/list', {})
    expect(people.find((p) => p.id === 'E9')).toMatchObject({ templates: 0, needsReenrollment: true })
    expect(people.find((p) => p.id === 'E1')).toMatchObject({ templates: 1, needsReenrollment: false })
    // the current model's index never sees the old template
    expect(index.hasPerson('E9')).toBe(false)
  })
})

describe('handlers: liveness at the kiosk', () => {
  it('a photo or screen (spoof evidence) checks no one in, and the attempt is audited with its scores', async () => {
    const spoof = { decision: 'spoof_detected' as const, score: 0.08, layers: { frLiveness: 0.05, screen: 0.2 }, challenge: null }
    const out = await call('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: spoof })
    expect(out).toMatchObject({ kind: 'refused', reason: 'spoof_detected', identification: { personId: null, name: null, decision: 'unknown' } })
    expect(await call('attendance/list', {})).toEqual([])
    const audit = listAudit(db, 1)[0]
    expect(audit).toMatchObject({ action: 'liveness.refused', subject: 'E1', details: { reason: 'spoof_detected', score: 0.08, layers: { frLiveness: 0.05, screen: 0.2 } } })
    expect(JSON.stringify(audit)).not.toMatch(/embedding/)
  })

  it('no evidence at all is liveness_uncertain while liveness is on, and fine when an admin turned it off', async () => {
    const { liveness: _omit, ...bare } = track([1, 0, 0, 0])
    expect(await call('kiosk/recognize', bare)).toMatchObject({ kind: 'refused', reason: 'liveness_uncertain' })
    await call('settings/update', { livenessStrictness: 'off' })
    expect(await call('kiosk/recognize', bare)).toMatchObject({ kind: 'recorded' })
  })

  it('the main side re-decides from the numbers: a picture in a hand is refused, a doubtful presentation needs a challenge it can verify', async () => {
    const inHand = { ...LIVE, score: 0.01, track: { ...LIVE_TRACK, follow: 0.8 } }
    expect(await call('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: inHand })).toMatchObject({ kind: 'refused', reason: 'spoof_detected' })
    expect(listAudit(db, 1)[0]).toMatchObject({ details: { reason: 'spoof_detected', check: 'rule', track: { follow: 0.8 } } })
    const doubtful = { ...LIVE, score: 0.42, track: { ...LIVE_TRACK, follow: -0.5 } }
    expect(await call('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: doubtful })).toMatchObject({ kind: 'refused', reason: 'challenge_failed' })
    expect(listAudit(db, 1)[0]).toMatchObject({ details: { check: 'challenge-missing' } })
    // "passed" without the frames that passed it is no pass; frames that do not pass are no pass either
    const bare = { ...doubtful, challenge: { kind: 'turn-left' as const, passed: true, ms: 2100 } }
    expect(await call('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: bare })).toMatchObject({ kind: 'refused', reason: 'challenge_failed' })
    expect(listAudit(db, 1)[0]).toMatchObject({ details: { check: 'challenge-no-samples' } })
    const wrongWay = { ...doubtful, challenge: { ...PASSED_TURN_LEFT, kind: 'turn-right' as const } }
    expect(await call('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: wrongWay })).toMatchObject({ kind: 'refused', reason: 'challenge_failed' })
    expect(listAudit(db, 1)[0]).toMatchObject({ details: { check: 'challenge-not-passed' } })
    const flat = { ...doubtful, challenge: { ...PASSED_TURN_LEFT, turnNonPlanarity: 0.01 } }
    expect(await call('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: flat })).toMatchObject({ kind: 'refused', reason: 'challenge_failed' })
    expect(listAudit(db, 1)[0]).toMatchObject({ details: { check: 'challenge-flat-turn' } })
    const challenged = { ...doubtful, challenge: PASSED_TURN_LEFT }
    expect(await call('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: challenged })).toMatchObject({ kind: 'recorded' })
    expect(await call('attendance/list', {})).toHaveLength(1)
  })

  it('evidence that does not fit its embeddings, or of no whole presentation, records nothing', async () => {
    const few = { ...LIVE, track: { ...LIVE_TRACK, scoredFrames: 2, frames: 2, followPairs: 1 } }
    expect(await call('kiosk/recognize', { ...track([1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]), liveness: few })).toMatchObject({ kind: 'refused', reason: 'liveness_uncertain' })
    expect(listAudit(db, 1)[0]).toMatchObject({ details: { check: 'inconsistent' } })
    const { track: _t, ...noTrack } = LIVE
    expect(await call('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: noTrack })).toMatchObject({ kind: 'refused', reason: 'liveness_uncertain' })
    expect(listAudit(db, 1)[0]).toMatchObject({ details: { check: 'no-track' } })
    // a presentation too short for the rule is not live, whatever the renderer says
    const short = { ...LIVE, track: { ...LIVE_TRACK, spanMs: 200 } }
    expect(await call('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: short })).toMatchObject({ kind: 'refused', reason: 'challenge_failed' })
    expect(await call('attendance/list', {})).toEqual([])
  })

  it('evidence of a picture moved rigidly needs a passed challenge, and the refusal keeps the temporal figures', async () => {
    const temporal = { frames: 8, spanMs: 700, motion: 0.2, nonRigidity: 0.012, rigidMotion: true, blinks: 0, still: false }
    expect(await call('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: { ...LIVE, temporal } })).toMatchObject({ kind: 'refused', reason: 'challenge_failed' })
    expect(listAudit(db, 1)[0]).toMatchObject({ action: 'liveness.refused', details: { reason: 'challenge_failed', temporal: { rigidMotion: true, nonRigidity: 0.012 } } })
    const moving = { ...temporal, nonRigidity: 0.06, rigidMotion: false }
    expect(await call('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: { ...LIVE, temporal: moving } })).toMatchObject({ kind: 'recorded' })
    expect(await callRaw('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: { ...LIVE, temporal: { ...temporal, rigidMotion: 'yes' } } })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    expect(await callRaw('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: { ...LIVE, temporal: { frames: 3 } } })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
  })

  it('the very-high security level needs a passed challenge even at normal strictness', async () => {
    await call('settings/update', { securityLevel: 'very-high' })
    // 0.95 clears very-high's 0.7 threshold in the test config
    expect(await call('kiosk/recognize', track([0.95, 0.05, 0, 0]))).toMatchObject({ kind: 'refused', reason: 'challenge_failed' })
    const passed = { ...LIVE, challenge: PASSED_BLINK }
    expect(await call('kiosk/recognize', { ...track([0.95, 0.05, 0, 0]), liveness: passed })).toMatchObject({ kind: 'recorded' })
  })

  it('strict (or the very-high level) needs a passed challenge', async () => {
    await call('settings/update', { livenessStrictness: 'strict' })
    expect(await call('kiosk/recognize', track([1, 0, 0, 0]))).toMatchObject({ kind: 'refused', reason: 'challenge_failed' })
    const passed = { ...LIVE, challenge: PASSED_BLINK }
    expect(await call('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: passed })).toMatchObject({ kind: 'recorded' })
    expect(await call('settings/get', {})).toMatchObject({ livenessStrictness: 'strict' })
  })

  it('malformed evidence is invalid-args', async () => {
    expect(await callRaw('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: { ...LIVE, score: 2 } })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    expect(await callRaw('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: { ...LIVE, decision: 'maybe' } })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    expect(await callRaw('kiosk/recognize', { ...track([1, 0, 0, 0]), liveness: { ...LIVE, challenge: { kind: 'dance', passed: true, ms: 1 } } })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
  })
})

describe('handlers: event time', () => {
  it("records the main side's clock: a seenAt 3 hours back (or ahead) is ignored, nothing is backdated", async () => {
    const back = await call('kiosk/recognize', { ...track([1, 0, 0, 0]), seenAt: T0 - 3 * 60 * MIN })
    expect(back).toMatchObject({ kind: 'recorded', event: { at: T0 } })
    clock.advance(10 * MIN)
    const ahead = await call('kiosk/recognize', { ...track([1, 0, 0, 0]), seenAt: T0 + 5 * 60 * MIN })
    expect(ahead).toMatchObject({ kind: 'recorded', event: { at: T0 + 10 * MIN, direction: 'out' } })
    expect((await call('attendance/list', {})).map((e) => e.at)).toEqual([T0 + 10 * MIN, T0])
  })
})

describe('handlers: kiosk/recognize over several frames', () => {
  it('decides over the fused frames of one track', async () => {
    const out = await call('kiosk/recognize', track([0.8, 0.1, 0.2, 0], [0.7, 0, 0.3, 0.1], [0.9, 0.2, 0, 0]))
    expect(out).toMatchObject({ kind: 'recorded', identification: { decision: 'match', personId: 'E1', frames: 3, agreement: 1 } })
  })

  it('frames that disagree about who it is record nothing', async () => {
    // two frames say Ani, two say Budi: the fused face leans to Budi, but only half the frames agree
    const out = await call('kiosk/recognize', track([1, 0, 0, 0], [0.8, 0.6, 0, 0], [0, 1, 0, 0], [0, 0.9, 0.44, 0]))
    // the kiosk gets the reason only, never who the face resembled
    expect(out).toMatchObject({ kind: 'unknown', identification: { reason: 'inconsistent', personId: null, name: null, similarity: 0, frames: 4 } })
    expect(await call('attendance/list', {})).toEqual([])
  })

  it('frames of different lengths are invalid-args', async () => {
    expect(await callRaw('kiosk/recognize', track([1, 0, 0, 0], [1, 0, 0]))).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    expect(await callRaw('kiosk/recognize', { ...track(), embeddings: [] })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
  })
})

describe('handlers: kiosk/recognize', () => {
  it('unknown face writes nothing', async () => {
    const out = await call('kiosk/recognize', track([0, 0, 1, 0]))
    expect(out.kind).toBe('unknown')
    expect(await call('attendance/list', {})).toEqual([])
    expect(listOutbox(db)).toEqual([])
  })

  it('records in, then cooldown, then out, then in; with outbox rows', async () => {
    // the cooldown alone (presences and the check-out question: attendance/presence.test.ts)
    await call('settings/update', { rules: { presenceMs: 0, confirmChangeMs: 0 } })
    const first = await call('kiosk/recognize', track([1, 0, 0, 0]))
    expect(first.kind).toBe('recorded')
    if (first.kind !== 'recorded') throw new Error('unreachable')
    expect(first.event).toMatchObject({ personId: 'E1', personName: 'Ani', direction: 'in', at: T0, source: 'kiosk' })
    expect(first.event.similarity).toBeCloseTo(1, 5)

    clock.advance(2 * MIN)
    const again = await call('kiosk/recognize', track([1, 0, 0, 0]))
    expect(again).toMatchObject({ kind: 'already-recorded', event: { id: first.event.id, direction: 'in' } })

    clock.advance(4 * MIN) // 6 min after the first
    const out = await call('kiosk/recognize', track([1, 0, 0, 0]))
    expect(out).toMatchObject({ kind: 'recorded', event: { direction: 'out', at: T0 + 6 * MIN } })

    clock.advance(60 * MIN)
    const back = await call('kiosk/recognize', track([1, 0, 0, 0]))
    expect(back).toMatchObject({ kind: 'recorded', event: { direction: 'in' } })

    const events = await call('attendance/list', { personId: 'E1' })
    expect(events.map((e) => e.direction)).toEqual(['in', 'out', 'in'])
    const outbox = listOutbox(db)
    expect(outbox.map((o) => o.id).sort()).toEqual(events.map((e) => e.id).sort())
    expect(outbox[0]?.payload).toMatchObject({ kioskId: 'kiosk-A', personId: 'E1' })
  })

  it('the first event of a new local day is "in" even after an "in" yesterday', async () => {
    await call('kiosk/recognize', track([1, 0, 0, 0]))
    clock.set(new Date(2025, 0, 7, 8, 0, 0).getTime())
    const next = await call('kiosk/recognize', track([1, 0, 0, 0]))
    expect(next).toMatchObject({ kind: 'recorded', event: { direction: 'in' } })
  })

  it('cooldown is per person', async () => {
    await call('kiosk/recognize', track([1, 0, 0, 0]))
    const other = await call('kiosk/recognize', track([0, 1, 0, 0]))
    expect(other).toMatchObject({ kind: 'recorded', event: { personId: 'E2', personName: 'Budi', direction: 'in' } })
  })
})


describe('handlers: attendance rules', () => {
  const scan = (at: number) => {
    clock.set(Math.max(clock.now(), at))
    return call('kiosk/recognize', { ...track([1, 0, 0, 0]), seenAt: at })
  }

  it('toggle: in, then out after the cooldown; the admin-set cooldown applies at once', async () => {
    await call('settings/update', { rules: { presenceMs: 0, confirmChangeMs: 0 } })
    expect(await scan(T0)).toMatchObject({ kind: 'recorded', event: { direction: 'in' } })
    expect(await scan(T0 + 4 * MIN)).toMatchObject({ kind: 'already-recorded' })
    await call('settings/update', { rules: { cooldownMs: 2 * MIN } })
    clock.set(T0 + 4 * MIN)
    expect(await scan(T0 + 4 * MIN)).toMatchObject({ kind: 'recorded', event: { direction: 'out' } })
  })

  it('window: before check-in-until is in, after it out, whatever came before', async () => {
    await call('settings/update', { rules: { mode: 'window', checkInUntil: '12:00', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone } })
    expect(await scan(T0 + 5 * 60 * MIN)).toMatchObject({ kind: 'recorded', event: { direction: 'out' } }) // 13:00
    expect(await scan(T0 + 9 * 60 * MIN)).toMatchObject({ kind: 'recorded', event: { direction: 'out' } }) // 17:00
  })

  it('ask: a recognised face gets a ticket; the tapped direction is recorded once; an old ticket has expired', async () => {
    await call('settings/update', { rules: { mode: 'ask' } })
    const asked = await scan(T0)
    expect(asked).toMatchObject({ kind: 'needs-direction', identification: { personId: 'E1', name: 'Ani' } })
    if (asked.kind !== 'needs-direction') throw new Error('expected a ticket')
    expect(await call('attendance/list', {})).toEqual([])
    expect(await call('kiosk/confirm', { ticket: asked.ticket, direction: 'out' })).toMatchObject({ kind: 'recorded', event: { direction: 'out', at: T0 } })
    expect(await callRaw('kiosk/confirm', { ticket: asked.ticket, direction: 'out' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    // within the cooldown no question is asked
    expect(await scan(T0 + MIN)).toMatchObject({ kind: 'already-recorded' })
    clock.set(T0 + 10 * MIN)
    const later = await scan(T0 + 10 * MIN)
    if (later.kind !== 'needs-direction') throw new Error('expected a ticket')
    clock.set(T0 + 10 * MIN + 21_000)
    expect(await callRaw('kiosk/confirm', { ticket: later.ticket, direction: 'in' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    expect(await call('attendance/list', {})).toHaveLength(1)
  })

  it('refuses rules that make no sense and keeps the old ones', async () => {
    expect(await callRaw('settings/update', { rules: { mode: 'window', dayBoundary: '12:00', checkInUntil: '12:00' } })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    expect(await callRaw('settings/update', { rules: { timeZone: 'Mars/Olympus' } })).toMatchObject({ ok: false, error: { code: 'invalid-args', details: { field: 'rules.timeZone' } } })
    expect(await callRaw('settings/update', { rules: { dayBoundary: '25:00' } })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    expect((await call('settings/get', {})).rules).toMatchObject({ mode: 'toggle', dayBoundary: '00:00', cooldownMs: 5 * MIN })
  })

  it('recent check-ins are today\'s, newest first, initials (the default) and times only', async () => {
    await scan(T0)
    clock.set(T0 + 30 * MIN)
    await call('kiosk/recognize', { ...track([0, 1, 0, 0]), seenAt: T0 + 30 * MIN })
    expect(await call('attendance/recent', {})).toEqual([
      { personName: 'B.', direction: 'in', at: T0 + 30 * MIN },
      { personName: 'A.', direction: 'in', at: T0 },
    ])
  })
})

describe('handlers: admin guard', () => {
  it('admin methods over http need a live session; kiosk methods do not; the audit names the admin', async () => {
    const http = (method: string, args: unknown) => dispatch(handlers, method, args, { transport: 'http' })
    expect(await http('people/list', {})).toMatchObject({ ok: false, error: { code: 'admin-required' } })
    expect(await http('settings/update', { sound: false })).toMatchObject({ ok: false, error: { code: 'admin-required' } })
    expect(await http('settings/get', {})).toMatchObject({ ok: true })
    // the first PIN: not from an unpaired http caller, only from the paired page (a session)
    expect(await http('admin/set-pin', { pin: '482916' })).toMatchObject({ ok: false, error: { code: 'admin-setup-required' } })
    const paired = (method: string, args: unknown) => dispatch(handlers, method, args, { transport: 'http', session: 'page-1' })
    const s = await paired('admin/set-pin', { pin: '482916' })
    if (!s.ok) throw new Error('set-pin failed')
    const { token } = s.data as { token: string }
    // the admin token works only from the page that opened it
    expect(await http('people/list', { token })).toMatchObject({ ok: false, error: { code: 'admin-required' } })
    // the HR key is a sensitive change: the PIN again
    expect(await paired('settings/update', { token, sound: false, hrKey: 'secret-key-0123456789' })).toMatchObject({ ok: false, error: { code: 'pin-required', details: { fields: 'hrKey' } } })
    expect(await paired('settings/update', { token, sound: false, hrKey: 'secret-key-0123456789', pin: '000000' })).toMatchObject({ ok: false, error: { code: 'pin-wrong' } })
    expect(await paired('settings/get', {})).toMatchObject({ ok: true, data: { sound: true, hr: { keySet: false } } })
    expect(await paired('settings/update', { token, sound: false, hrKey: 'secret-key-0123456789', pin: '482916' })).toMatchObject({ ok: true, data: { sound: false, hr: { keySet: true } } })
    const audit = listAudit(db, 5)
    expect(audit.find((a) => a.action === 'settings.sound')).toMatchObject({ actor: 'admin' })
    expect(JSON.stringify(audit)).not.toContain('secret-key')
    expect(JSON.stringify(audit)).not.toContain('482916')
    clock.set(T0 + 3 * MIN) // 2 idle minutes end admin mode
    expect(await paired('people/list', { token })).toMatchObject({ ok: false, error: { code: 'admin-required' } })
  })

  it('sensitive settings ask for the PIN again; a new HR address clears the key; templates only over https', async () => {
    const paired = (method: string, args: unknown) => dispatch(handlers, method, args, { transport: 'ipc' })
    const s = await paired('admin/set-pin', { pin: '482916' })
    if (!s.ok) throw new Error('set-pin failed')
    const { token } = s.data as { token: string }
    const pin = '482916'
    for (const [patch, field] of [
      [{ hrUrl: 'https://hr.example.com/' }, 'hrUrl'],
      [{ hrShareTemplates: true }, 'hrShareTemplates'],
      [{ securityLevel: 'high' }, 'securityLevel'],
      [{ livenessStrictness: 'off' }, 'livenessStrictness'],
    ] as const) {
      expect(await paired('settings/update', { token, ...patch }), field).toMatchObject({ ok: false, error: { code: 'pin-required', details: { fields: field } } })
    }
    // not sensitive: stricter liveness, the same level again, sound
    expect(await paired('settings/update', { token, livenessStrictness: 'strict', securityLevel: 'normal', sound: false })).toMatchObject({ ok: true })
    expect(await paired('settings/update', { token, pin, hrUrl: 'https://hr.example.com/', hrKey: 'k'.repeat(20) })).toMatchObject({ ok: true, data: { hr: { keySet: true } } })
    // another address: the old server's key is not sent there
    expect(await paired('settings/update', { token, pin, hrUrl: 'https://evil.example.com/' })).toMatchObject({ ok: true, data: { hr: { url: 'https://evil.example.com/', keySet: false } } })
    expect(listAudit(db, 3).find((a) => a.action === 'settings.hr-key')).toMatchObject({ details: { set: false, reason: 'hr-url-changed' } })
    // templates never over plain http, except to this machine (the reference server in tests)
    expect(await paired('settings/update', { token, pin, hrUrl: 'http://hr.example.com/', hrShareTemplates: true })).toMatchObject({ ok: false, error: { code: 'insecure-hr-url' } })
    expect(await paired('settings/update', { token, pin, hrUrl: 'http://127.0.0.1:4488/', hrShareTemplates: true })).toMatchObject({ ok: true, data: { hr: { shareTemplates: true } } })
    expect(await paired('settings/update', { token, pin, hrUrl: 'http://192.168.1.5/' })).toMatchObject({ ok: false, error: { code: 'insecure-hr-url', details: { field: 'hrUrl' } } })
    expect(await paired('settings/get', {})).toMatchObject({ ok: true, data: { hr: { url: 'http://127.0.0.1:4488/', shareTemplates: true } } })
  })

  it('deactivating makes a person unrecognisable at once; reactivating brings their templates back', async () => {
    await call('people/update', { id: 'E1', active: false })
    expect(await call('recognition/identify', emb([1, 0, 0, 0]))).toMatchObject({ decision: 'unknown' })
    await call('people/update', { id: 'E1', active: true })
    expect(await call('recognition/identify', emb([1, 0, 0, 0]))).toMatchObject({ decision: 'match', personId: 'E1' })
  })
})
