import type { Database } from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import { ADMIN_METHODS, type ApiMethod, type Diagnostics, type HostInfo, type KioskSettings } from '../../src/shared/api/contract'
import { HadirError } from '../../src/shared/api/result'
import type { Direction, Identification, KioskOutcome, LivenessEvidence, LivenessReason, ModelTag } from '../../src/shared/domain/types'
import { decideLiveness, temporalDecision } from '../../src/shared/face/liveness-rule'
import { decide, fuseEmbeddings, type Decision, type RecognitionConfig, type SearchHit, type SecurityLevel } from '../../src/shared/face/decide'
import type { FaceIndex } from './recognition/face-index'
import { lastEventOf, listAttendance, recordAttendance } from './store/attendance-store'
import { addTemplate, countTemplates } from './store/template-store'
import { appendAudit } from './store/audit-log'
import { withDbErrors } from './db/sqlite'
import { createAdminAuth, type AdminAuth } from './admin/admin-auth'
import { decideDirection, withinCooldown, workDay } from './attendance/rules'
import { createAdminHandlers } from './handlers-admin'
import { createSettings, type SettingsService } from './settings'
import type { HandlerContext, ServerHandlers } from './handler-types'
import { createHrSync, type HrSync, type SyncOptions } from './sync/hr-sync'

export type { HandlerContext, ServerHandlers }

export type HandlerDeps = {
  db: Database
  /** index of the current embedding model; defines which model the API accepts */
  index: FaceIndex
  hostInfo: () => HostInfo
  /** decision rule of the current model: thresholds per security level, margin, frame agreement */
  recognition: RecognitionConfig
  /** default repeat-scan cooldown, ms (an admin can change it in the attendance rules) */
  cooldownMs: number
  now: () => number
  kioskId: string
  /** the database file, for diagnostics (':memory:' in some tests) */
  dbFile?: string
  /** verified model files, for diagnostics */
  models?: () => Diagnostics['models']
  /** admin sessions; default one on `db` with the real clock `now` */
  auth?: AdminAuth
  /** HR sync options beyond the defaults (tests: fetch, timeouts, backoff); the worker is started by the host */
  sync?: Partial<Omit<SyncOptions, 'db' | 'settings' | 'kioskId' | 'now' | 'model' | 'index'>>
  /** receives the sync worker, for the host to start and stop it */
  onSync?: (sync: HrSync) => void
  /** Electron: quit the app (admin's "exit"); absent on the web host */
  onQuit?: () => void
  /** after an admin changed settings (Electron applies start-at-login) */
  onSettingsChanged?: (s: KioskSettings) => void
}

/** Methods after which the outbox may have grown or the HR settings changed: the sync worker looks at once. */
const NUDGES: ReadonlySet<ApiMethod> = new Set<ApiMethod>(['kiosk/recognize', 'kiosk/confirm', 'attendance/correct', 'attendance/add', 'attendance/void', 'settings/update'])

/** How long an ask-mode ticket (recognised, waiting for the person to tap in or out) stays valid. */
export const ASK_TICKET_MS = 20_000

export function createHandlers(deps: HandlerDeps): ServerHandlers {
  const { db, index, recognition } = deps
  const model: ModelTag = { modelId: index.modelId, modelVersion: index.modelVersion }
  const actorOf = (ctx: HandlerContext) => ctx.actor ?? ctx.transport
  const settingsService: SettingsService = createSettings(db, { recognition, cooldownMs: deps.cooldownMs })
  const auth = deps.auth ?? createAdminAuth(db, { now: deps.now })
  const sync = createHrSync({
    db,
    settings: settingsService,
    kioskId: deps.kioskId,
    version: deps.hostInfo().version,
    now: deps.now,
    model: { modelId: index.modelId, modelVersion: index.modelVersion, dim: index.dim },
    index,
    log: (line) => console.error(line),
    ...deps.sync,
  })
  deps.onSync?.(sync)

  const currentLevel = (): SecurityLevel => settingsService.securityLevel()
  const currentStrictness = () => settingsService.strictness()
  /** ask mode: recognised faces waiting for their direction, by ticket */
  const tickets = new Map<string, { personId: string; personName: string; at: number; identification: Identification; expiresAt: number }>()

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

  /**
   * Records a recognised person's scan under the attendance rules (cooldown, direction), check and
   * insert in one IMMEDIATE transaction so a CLI process on the same file cannot race us.
   */
  function record(identification: Identification, personId: string, personName: string, at: number, asked: Direction | null, ctx: HandlerContext): KioskOutcome {
    const rules = settingsService.rules()
    return withDbErrors(() =>
      db
        .transaction((): KioskOutcome => {
          const last = lastEventOf(db, personId)
          // events are appended in time order: a late report cannot slip in before the last one
          if (last && at < last.at - rules.cooldownMs) throw new HadirError('invalid-args', "seenAt is before this person's last recorded event", { field: 'seenAt' })
          if (last && withinCooldown(last.at, at, rules.cooldownMs)) return { kind: 'already-recorded', identification, event: last }
          const prev = last && last.at <= at ? last : lastEventOf(db, personId, at)
          const event = recordAttendance(
            db,
            {
              personId,
              personName,
              direction: decideDirection({ prev, at, rules, asked }),
              at,
              similarity: identification.similarity,
              source: ctx.eventSource ?? 'kiosk',
              kioskId: deps.kioskId,
            },
            { now: deps.now() },
          )
          return { kind: 'recorded', identification, event }
        })
        .immediate(),
    )
  }

  const kiosk: Omit<ServerHandlers, keyof ReturnType<typeof createAdminHandlers>> = {
    'host/info': () => deps.hostInfo(),

    'settings/get': () => settingsService.get(),

    'settings/update': (args, ctx) => {
      const { token: _t, ...patch } = args
      const next = settingsService.update(patch, actorOf(ctx), deps.now())
      deps.onSettingsChanged?.(next)
      return next
    },

    'enrollment/add-template': (args, ctx) => {
      checkModel(args)
      const embedding = index.normalizeProbe(args.embedding)
      if (personName(args.personId) === null) {
        throw new HadirError('not-found', `There is no person ${args.personId} (deleted, perhaps on another screen): nothing was stored`, { personId: args.personId })
      }
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
      return { templateId, templates: countTemplates(db, args.personId, model) }
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
      const now = deps.now()
      const at = args.seenAt ?? now
      if (at > now + 5_000) throw new HadirError('invalid-args', 'seenAt is in the future', { field: 'seenAt' })
      const rules = settingsService.rules()
      if (rules.mode === 'ask') {
        // within the cooldown the answer is "already recorded" straight away: no question to ask
        const last = lastEventOf(db, identification.personId)
        if (last && withinCooldown(last.at, at, rules.cooldownMs)) return { kind: 'already-recorded', identification, event: last }
        for (const [k, t] of tickets) if (t.expiresAt < now) tickets.delete(k)
        const ticket = randomBytes(16).toString('base64url')
        const expiresAt = now + ASK_TICKET_MS
        tickets.set(ticket, { personId: identification.personId, personName: identification.name, at, identification, expiresAt })
        return { kind: 'needs-direction', identification, ticket, expiresAt }
      }
      return record(identification, identification.personId, identification.name, at, null, ctx)
    },

    'kiosk/confirm': (args, ctx) => {
      const t = tickets.get(args.ticket)
      tickets.delete(args.ticket)
      if (!t || t.expiresAt < deps.now()) throw new HadirError('not-found', 'This check-in has expired: please look at the camera again')
      return record(t.identification, t.personId, t.personName, t.at, args.direction, ctx)
    },

    'app/quit': (_args, ctx) => {
      if (!deps.onQuit) return { quitting: false }
      withDbErrors(() => appendAudit(db, { at: deps.now(), actor: actorOf(ctx), action: 'app.quit', subject: null, details: null }))
      const quit = deps.onQuit
      // answer first, then quit
      setTimeout(quit, 200)
      return { quitting: true }
    },

    'sync/status': () => sync.status(),
    'sync/parked': () => sync.parked(),
    'sync/retry': (args) => ({ requeued: sync.retryParked(args.ids) }),
    'sync/now': async () => {
      await sync.syncOnce({ force: true })
      return sync.status()
    },

    'attendance/recent': (args) => {
      const rules = settingsService.rules()
      const today = workDay(deps.now(), rules)
      return listAttendance(db, { from: deps.now() - 36 * 3600_000, limit: 50 })
        .filter((e) => workDay(e.at, rules) === today)
        .slice(0, args.limit ?? 5)
        .map((e) => ({ personName: e.personName, direction: e.direction, at: e.at }))
    },

  }
  const admin = createAdminHandlers({
    db,
    index,
    auth,
    settings: settingsService,
    now: deps.now,
    kioskId: deps.kioskId,
    hostKind: deps.hostInfo().kind,
    version: deps.hostInfo().version,
    dbFile: deps.dbFile ?? ':memory:',
    models: deps.models ?? (() => []),
    locale: deps.hostInfo().locale,
  })
  const all: ServerHandlers = { ...kiosk, ...admin }
  for (const m of NUDGES) {
    const h = all[m] as (a: unknown, c: HandlerContext) => unknown
    ;(all as Record<ApiMethod, unknown>)[m] = async (a: unknown, c: HandlerContext) => {
      const r = await h(a, c)
      sync.nudge()
      return r
    }
  }
  // admin methods need a live admin session over IPC and HTTP; the CLI on the machine calls directly
  for (const m of ADMIN_METHODS) {
    const h = all[m] as (a: { token?: string }, c: HandlerContext) => unknown
    ;(all as Record<ApiMethod, unknown>)[m] = (a: { token?: string }, c: HandlerContext) => {
      if (c.transport === 'direct') return h(a, c)
      auth.require(a.token)
      return h(a, { ...c, actor: c.actor ?? 'admin' })
    }
  }
  return all
}
