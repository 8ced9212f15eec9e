import type { Database } from 'better-sqlite3'
import type { ApiArgs, ApiData, ApiMethod, HostInfo, KioskSettings } from '../../src/shared/api/contract'
import { HadirError } from '../../src/shared/api/result'
import type { AttendanceEvent, Direction, Identification, KioskOutcome, LivenessEvidence, LivenessReason, LivenessStrictness, ModelTag } from '../../src/shared/domain/types'
import { decideLiveness, temporalDecision } from '../../src/vision/core/liveness'
import { decide, fuseEmbeddings, type Decision, type RecognitionConfig, type SearchHit, type SecurityLevel } from '../../src/shared/face/decide'
import type { FaceIndex } from './recognition/face-index'
import { lastEventOf, listAttendance, recordAttendance } from './store/attendance-store'
import { deletePerson, listPeople, upsertPerson } from './store/people-store'
import { addTemplate } from './store/template-store'
import { getSetting, setSetting } from './store/settings-store'
import { appendAudit } from './store/audit-log'
import { withDbErrors } from './db/open-db'

/** Who is calling; used for audit `actor` and template `source`. */
export type HandlerContext = {
  transport: 'ipc' | 'http' | 'direct'
  /** audit actor; defaults to the transport name */
  actor?: string
  /** `source` of attendance events written by kiosk/recognize; default 'kiosk' */
  eventSource?: AttendanceEvent['source']
}

export type ServerHandlers = {
  [M in ApiMethod]: (args: ApiArgs<M>, ctx: HandlerContext) => ApiData<M> | Promise<ApiData<M>>
}

export type HandlerDeps = {
  db: Database
  /** index of the current embedding model; defines which model the API accepts */
  index: FaceIndex
  hostInfo: () => HostInfo
  /** decision rule of the current model: thresholds per security level, margin, frame agreement */
  recognition: RecognitionConfig
  /** repeat-scan cooldown, ms */
  cooldownMs: number
  now: () => number
  kioskId: string
  /** local calendar day key of an epoch-ms time; default: the process time zone's yyyy-mm-dd */
  dayKey?: (ms: number) => string
}

export function localDayKey(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`
}

/**
 * Direction for a new event at `at`: first event of the local day is 'in', then it alternates.
 * `prev` is the person's latest event at or before `at`.
 */
export function nextDirection(prev: AttendanceEvent | null, at: number, dayKey: (ms: number) => string = localDayKey): Direction {
  if (!prev || dayKey(prev.at) !== dayKey(at)) return 'in'
  return prev.direction === 'in' ? 'out' : 'in'
}

/** Settings key of the security level. */
export const SECURITY_LEVEL_KEY = 'recognition.securityLevel'
/** Settings key of the liveness strictness. */
export const LIVENESS_STRICTNESS_KEY = 'liveness.strictness'
/** Strictness on a fresh install. */
export const DEFAULT_LIVENESS_STRICTNESS: LivenessStrictness = 'normal'

export function createHandlers(deps: HandlerDeps): ServerHandlers {
  const { db, index, recognition, cooldownMs } = deps
  const dayKey = deps.dayKey ?? localDayKey
  const model: ModelTag = { modelId: index.modelId, modelVersion: index.modelVersion }
  const actorOf = (ctx: HandlerContext) => ctx.actor ?? ctx.transport

  const currentLevel = (): SecurityLevel => getSetting<SecurityLevel>(db, SECURITY_LEVEL_KEY) ?? recognition.defaultLevel
  const currentStrictness = (): LivenessStrictness => getSetting<LivenessStrictness>(db, LIVENESS_STRICTNESS_KEY) ?? DEFAULT_LIVENESS_STRICTNESS
  const settings = (): KioskSettings => ({
    securityLevel: currentLevel(),
    thresholds: { ...recognition.thresholds },
    livenessStrictness: currentStrictness(),
    cooldownMs,
  })

  /**
   * Main side's check of the renderer's liveness evidence: with liveness on, a face counts only when
   * the evidence says live, and (strict, or the very-high level) when an active challenge was passed.
   */
  function livenessRefusal(evidence: LivenessEvidence | undefined, level: SecurityLevel): LivenessReason | null {
    const strictness = currentStrictness()
    if (strictness === 'off') return null
    if (!evidence) return 'liveness_uncertain'
    if (evidence.decision !== 'live') return evidence.decision
    // the renderer's "live" is re-checked against the same rule: a score that says spoof is refused
    // whatever the renderer concluded, and an uncertain one needs a passed challenge
    const passive = decideLiveness(evidence.score)
    const challenged = evidence.challenge?.passed === true
    if (!passive.live) {
      if (passive.reasons[0] !== 'liveness_uncertain') return 'spoof_detected'
      if (!challenged) return 'challenge_failed'
    }
    // a face that moved like a flat picture needs a passed challenge too
    if (temporalDecision('live', evidence.temporal) !== 'live' && !challenged) return 'challenge_failed'
    if ((strictness === 'strict' || level === 'very-high') && !challenged) return 'challenge_failed'
    return null
  }

  /** What the kiosk screen needs of an unknown or refused face: the reason, not who it resembled. */
  const redacted = (id: Identification): Identification => ({ ...id, decision: 'unknown', personId: null, name: null, similarity: 0, secondSimilarity: 0, confidence: 'low', agreement: 0 })

  function refuse(reason: LivenessReason, identification: Identification, evidence: LivenessEvidence | undefined, ctx: HandlerContext): KioskOutcome {
    // the attempt is visible to the admin: who it looked like and every layer's score, never an image
    withDbErrors(() =>
      appendAudit(db, {
        at: deps.now(),
        actor: actorOf(ctx),
        action: 'liveness.refused',
        subject: identification.personId,
        details: {
          reason,
          decision: identification.decision,
          similarity: Math.round(identification.similarity * 1000) / 1000,
          score: evidence ? Math.round(evidence.score * 1000) / 1000 : null,
          layers: evidence?.layers ?? null,
          challenge: evidence?.challenge ?? null,
          temporal: evidence?.temporal ?? null,
          strictness: currentStrictness(),
        },
      }),
    )
    return { kind: 'refused', reason, identification: redacted(identification) }
  }

  function checkModel(input: { modelId: string; modelVersion: string }): void {
    if (input.modelId !== index.modelId || input.modelVersion !== index.modelVersion) {
      throw new HadirError(
        'model-mismatch',
        `Embedding is from ${input.modelId}@${input.modelVersion}, the store uses ${index.modelId}@${index.modelVersion}`,
        { expectedModelId: index.modelId, expectedModelVersion: index.modelVersion, modelId: input.modelId, modelVersion: input.modelVersion },
      )
    }
  }

  const personName = (id: string): string | null =>
    (db.prepare('SELECT name FROM people WHERE id = ?').get(id) as { name: string } | undefined)?.name ?? null

  const search = (v: ArrayLike<number>): SearchHit | null => index.search(v)

  /** Decides over a track's embeddings (one or more frames of the same face) at `level`. */
  function identifyTrack(embeddings: readonly number[][], level: SecurityLevel): Identification {
    // each frame's search validates its embedding (dim, finite, non-zero) before they are fused
    const frames = embeddings.map((e) => search(e))
    const fused = embeddings.length === 1 ? frames[0] ?? null : search(fuseEmbeddings(embeddings))
    const d: Decision = decide(fused, embeddings.length === 1 ? [] : frames, recognition, level)
    const threshold = recognition.thresholds[level]
    const base = { threshold, level, frames: embeddings.length, agreement: d.agreement, similarity: d.similarity, secondSimilarity: d.secondSimilarity, personId: d.personId }
    if (d.decision === 'match') {
      const name = personName(d.personId)
      // the person was deleted between the search and now: treat as unknown
      if (name !== null) return { ...base, decision: 'match', reason: null, name, confidence: d.confidence }
    }
    // the best candidate is reported for tuning, but not named on an unknown decision
    return { ...base, decision: 'unknown', reason: d.decision === 'unknown' ? d.reason : 'below-threshold', name: null, confidence: 'low' }
  }

  return {
    'host/info': () => deps.hostInfo(),

    'settings/get': () => settings(),

    'settings/update': (args, ctx) => {
      /** Stores one setting and its audit row together, when it changes. */
      const change = (key: string, action: string, from: string, to: string | undefined) => {
        if (to === undefined || to === from) return
        withDbErrors(() =>
          db.transaction(() => {
            setSetting(db, key, to)
            appendAudit(db, { at: deps.now(), actor: actorOf(ctx), action, subject: key, details: { from, to } })
          })(),
        )
      }
      change(LIVENESS_STRICTNESS_KEY, 'settings.liveness-strictness', currentStrictness(), args.livenessStrictness)
      change(SECURITY_LEVEL_KEY, 'settings.security-level', currentLevel(), args.securityLevel)
      return settings()
    },

    'people/list': (args) => listPeople(db, model, { activeOnly: args.activeOnly === true }),

    'people/upsert': (args, ctx) => upsertPerson(db, args, { now: deps.now(), actor: actorOf(ctx), model }),

    'people/delete': (args, ctx) => {
      const res = deletePerson(db, args.personId, { now: deps.now(), actor: actorOf(ctx) })
      index.removePerson(args.personId)
      return res
    },

    'enrollment/add-template': (args, ctx) => {
      checkModel(args)
      const embedding = index.normalizeProbe(args.embedding)
      if (personName(args.personId) === null) throw new HadirError('not-found', `no person with id ${args.personId}`, { personId: args.personId })
      // one face, one person: refuse a face that already matches someone else at the current level
      const hit = search(embedding)
      if (hit && hit.personId !== args.personId && hit.similarity >= recognition.thresholds[currentLevel()]) {
        const other = personName(hit.personId)
        throw new HadirError('duplicate-face', `this face is already enrolled as ${other ?? hit.personId} (${hit.personId}); it was not added to ${args.personId}`, {
          personId: hit.personId,
          name: other,
          similarity: Math.round(hit.similarity * 1000) / 1000,
        })
      }
      const templateId = addTemplate(
        db,
        { personId: args.personId, model, embedding, quality: args.quality ?? null, source: ctx.actor ?? ctx.transport },
        { now: deps.now(), actor: actorOf(ctx) },
      )
      const active = db.prepare('SELECT active FROM people WHERE id = ?').get(args.personId) as { active: number } | undefined
      if (active?.active === 1) index.add(args.personId, embedding)
      return { templateId }
    },

    'recognition/identify': (args) => {
      checkModel(args)
      if (index.size === 0) {
        throw new HadirError('empty-gallery', `nobody is enrolled for ${index.modelId}@${index.modelVersion} yet: enroll people first`)
      }
      return identifyTrack([args.embedding], args.level ?? currentLevel())
    },

    'kiosk/recognize': (args, ctx) => {
      checkModel(args)
      const level = currentLevel()
      const identification = identifyTrack(args.embeddings, level)
      const refusal = livenessRefusal(args.liveness, level)
      if (refusal) return refuse(refusal, identification, args.liveness, ctx)
      if (identification.decision !== 'match' || identification.personId === null || identification.name === null) {
        return { kind: 'unknown', identification: redacted(identification) }
      }
      const personId = identification.personId
      const personName = identification.name
      const now = deps.now()
      const at = args.seenAt ?? now
      if (at > now + 5_000) throw new HadirError('invalid-args', 'seenAt is in the future', { field: 'seenAt' })
      // check + insert in one IMMEDIATE transaction so a CLI process on the same file cannot race us
      return withDbErrors(() =>
        db
          .transaction(() => {
            const last = lastEventOf(db, personId)
            // events are appended in time order: a late report cannot slip in before the last one
            if (last && at < last.at - cooldownMs) throw new HadirError('invalid-args', 'seenAt is before this person\'s last recorded event', { field: 'seenAt' })
            if (last && Math.abs(at - last.at) < cooldownMs) {
              return { kind: 'already-recorded' as const, identification, event: last }
            }
            const prev = last && last.at <= at ? last : lastEventOf(db, personId, at)
            const event = recordAttendance(
              db,
              {
                personId,
                personName,
                direction: nextDirection(prev, at, dayKey),
                at,
                similarity: identification.similarity,
                source: ctx.eventSource ?? 'kiosk',
                kioskId: deps.kioskId,
              },
              { now: deps.now() },
            )
            return { kind: 'recorded' as const, identification, event }
          })
          .immediate(),
      )
    },

    'attendance/list': (args) => listAttendance(db, args),
  }
}
