import type { Database } from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import { ADMIN_METHODS, type ApiMethod, type Diagnostics, type HostInfo, type KioskSettings } from '../../src/shared/api/contract'
import { HadirError } from '../../src/shared/api/result'
import type { Direction, Identification, KioskOutcome, LivenessEvidence, LivenessReason, ModelTag } from '../../src/shared/domain/types'
import { decideTrack, trackFiguresOf } from '../../src/shared/face/liveness-rule'
import { recheckChallenge } from '../../src/shared/face/challenge-rule'
import { decide, fuseEmbeddings, levelThreshold, type Decision, type RecognitionConfig, type SearchHit, type SecurityLevel } from '../../src/shared/face/decide'
import type { FaceIndex } from './recognition/face-index'
import { lastEventOf, listAttendance, recordAttendance } from './store/attendance-store'
import { addTemplate, countTemplates } from './store/template-store'
import { appendAudit } from './store/audit-log'
import { hasConsent, recordConsent, requireConsent } from './store/consent-store'
import { initialsOf } from '../../src/shared/privacy/privacy'
import { withDbErrors } from './db/sqlite'
import { createAdminAuth, type AdminAuth } from './admin/admin-auth'
import { decideDirection, withinCooldown, workDay } from './attendance/rules'
import { planScan, presenceOf, Presences } from './attendance/presence'
import { summarizeDays } from './attendance/summary'
import { createAdminHandlers } from './handlers-admin'
import { createFallback, flagForReview, lowConfidence } from './handlers-fallback'
import type { ReviewReason } from '../../src/shared/api/contract'
import { createSettings, sensitiveChanges, type SettingsService } from './settings'
import { attemptSource, type HandlerContext, type ServerHandlers } from './handler-types'
import { createKioskSessions, type KioskSessions } from './pairing/kiosk-sessions'
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
  /** paired pages (kiosk/pair, attested calls); default one on `db` */
  sessions?: KioskSessions
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
const NUDGES: ReadonlySet<ApiMethod> = new Set<ApiMethod>(['kiosk/recognize', 'kiosk/confirm', 'kiosk/pin-checkin', 'kiosk/face-pin', 'attendance/correct', 'attendance/add', 'attendance/void', 'settings/update'])

/** How long an ask-mode ticket (recognised, waiting for the person to tap in or out) stays valid. */
export const ASK_TICKET_MS = 20_000

export function createHandlers(deps: HandlerDeps): ServerHandlers {
  const { db, index, recognition } = deps
  const model: ModelTag = { modelId: index.modelId, modelVersion: index.modelVersion }
  const actorOf = (ctx: HandlerContext) => ctx.actor ?? ctx.transport
  const settingsService: SettingsService = createSettings(db, { recognition, cooldownMs: deps.cooldownMs, galleryTemplates: () => index.size })
  const auth = deps.auth ?? createAdminAuth(db, { now: deps.now })
  const sessions = deps.sessions ?? createKioskSessions(db, { now: deps.now })
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
  const tickets = new Map<string, { personId: string; personName: string; at: number; identification: Identification; expiresAt: number; direction: Direction | null }>()
  /** the one place that decides what one presence is (attendance/presence.ts) */
  const presences = new Presences()

  /** The person's hours in the work day of `at` so far (in/out pairs, as the daily summary counts them). */
  function workedToday(personId: string, at: number): number {
    const rules = settingsService.rules()
    const day = workDay(at, rules)
    const events = listAttendance(db, { personId, from: at - 36 * 3600_000, to: at + 1, limit: null }).filter((e) => workDay(e.at, rules) === day)
    return summarizeDays(events, rules).reduce((sum, d) => sum + d.workedMs, 0)
  }

  /**
   * Main side's check of the renderer's liveness evidence. The renderer's "live" is re-decided from
   * the numbers it sent with the same rule (shared/face/liveness-rule.ts): the evidence must be of a
   * whole presentation and consistent with the embeddings it came with; a presentation the rule
   * sends to the challenge needs a passed challenge whose frames pass the same verifier again
   * (shared/face/challenge-rule.ts); strict mode and the very-high level always need one. `check`
   * names the failed check for the audit.
   */
  function livenessRefusal(evidence: LivenessEvidence | undefined, level: SecurityLevel, embeddings: number): { reason: LivenessReason; check: string } | null {
    const strictness = currentStrictness()
    if (strictness === 'off') return null
    if (!evidence) return { reason: 'liveness_uncertain', check: 'no-evidence' }
    if (evidence.decision !== 'live') return { reason: evidence.decision, check: 'renderer' }
    const figures = trackFiguresOf(evidence)
    const track = evidence.track
    if (!figures || !track) return { reason: 'liveness_uncertain', check: 'no-track' }
    // the embeddings come from the track's scored frames (plus one taken at a passed challenge)
    const challengeFrames = evidence.challenge?.passed ? 1 : 0
    if (embeddings > track.scoredFrames + challengeFrames || track.scoredFrames > track.frames || track.followPairs >= track.frames || track.spanMs > 120_000) {
      return { reason: 'liveness_uncertain', check: 'inconsistent' }
    }
    const outcome = decideTrack(figures).outcome
    if (outcome === 'spoof') return { reason: 'spoof_detected', check: 'rule' }
    const c = evidence.challenge
    const challengeCheck = c?.passed ? recheckChallenge(c) : 'not-passed'
    const challenged = challengeCheck === null
    if (outcome === 'challenge' && !challenged) return { reason: 'challenge_failed', check: c ? `challenge-${challengeCheck}` : 'challenge-missing' }
    if ((strictness === 'strict' || level === 'very-high') && !challenged) return { reason: 'challenge_failed', check: c ? `challenge-${challengeCheck}` : 'challenge-missing' }
    return null
  }

  /** What the kiosk screen needs of an unknown or refused face: the reason, not who it resembled. */
  const redacted = (id: Identification): Identification => ({ ...id, decision: 'unknown', personId: null, name: null, similarity: 0, secondSimilarity: 0, confidence: 'low', agreement: 0 })

  function refuse(reason: LivenessReason, identification: Identification, evidence: LivenessEvidence | undefined, ctx: HandlerContext, check: string | null = null): KioskOutcome {
    // the attempt is visible to the admin: who it looked like and every layer's score, never an image.
    // A candidate is named only when the face reached the lowest (normal) level's threshold: below it the
    // best gallery entry is merely the least unlike face, and naming it would blame an enrolled person.
    const named = identification.personId !== null && identification.similarity >= recognition.thresholds.normal
    withDbErrors(() =>
      appendAudit(db, {
        at: deps.now(),
        actor: actorOf(ctx),
        action: 'liveness.refused',
        subject: named ? identification.personId : null,
        details: {
          subject: named ? 'candidate' : 'unknown-face',
          reason,
          decision: identification.decision,
          similarity: Math.round(identification.similarity * 1000) / 1000,
          score: evidence ? Math.round(evidence.score * 1000) / 1000 : null,
          layers: evidence?.layers ?? null,
          // the challenge's verdict and figures, not its frame-by-frame samples
          challenge: evidence?.challenge ? { kind: evidence.challenge.kind, passed: evidence.challenge.passed, ms: evidence.challenge.ms, samples: evidence.challenge.samples?.length ?? 0, turnNonPlanarity: evidence.challenge.turnNonPlanarity ?? null } : null,
          temporal: evidence?.temporal ?? null,
          track: evidence?.track ?? null,
          check,
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
    // the level's threshold follows the gallery size (a stranger's chance per attempt stays the same)
    const d: Decision = decide(fused, embeddings.length === 1 ? [] : frames, recognition, level, index.size)
    const threshold = levelThreshold(recognition, level, index.size)
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
  function record(identification: Identification, personId: string, personName: string, at: number, asked: Direction | null, ctx: HandlerContext, review: ReviewReason | null = null, chosen: Direction | null = null): KioskOutcome {
    const rules = settingsService.rules()
    presences.touch(personId, at)
    return withDbErrors(() =>
      db
        .transaction((): KioskOutcome => {
          const last = lastEventOf(db, personId)
          // events are appended in time order: a late report cannot slip in before the last one
          if (last && at < last.at - rules.cooldownMs) throw new HadirError('invalid-args', "the clock is before this person's last recorded event (was it set back?)", { field: 'at' })
          if (last && withinCooldown(last.at, at, rules.cooldownMs)) return { kind: 'already-recorded', identification, event: last, presence: 'continued', workedTodayMs: workedToday(personId, at) }
          const prev = last && last.at <= at ? last : lastEventOf(db, personId, at)
          const event = recordAttendance(
            db,
            {
              personId,
              personName,
              // a confirmed change of direction ("Check out now?" → yes) is recorded as confirmed
              direction: chosen ?? decideDirection({ prev, at, rules, asked }),
              at,
              similarity: identification.similarity,
              source: ctx.eventSource ?? 'kiosk',
              kioskId: deps.kioskId,
            },
            { now: deps.now() },
          )
          // PIN and badge check-ins, and faces of low confidence, wait for an admin's look (issue #12)
          if (review !== null) flagForReview(db, event.id, review, deps.now())
          return { kind: 'recorded', identification, event, presence: 'new', workedTodayMs: workedToday(personId, at) }
        })
        .immediate(),
    )
  }

  const fallback = createFallback({ db, settings: settingsService, now: deps.now, recognition, record })
  const faceReview = (id: Identification): ReviewReason | null => (lowConfidence(id, recognition) ? 'low-confidence' : null)

  const kiosk: Omit<ServerHandlers, keyof ReturnType<typeof createAdminHandlers> | keyof typeof fallback.handlers> = {
    'host/info': () => deps.hostInfo(),

    'kiosk/pair': (args, ctx) => sessions.pair(args.code, ctx.transport),

    'settings/get': () => settingsService.get(),

    'settings/update': (args, ctx) => {
      const { token: _t, pin, ...patch } = args
      // the changes that would open the kiosk to forgery or leak templates ask for the PIN again
      const sensitive = sensitiveChanges(patch, settingsService.get())
      if (sensitive.length > 0 && ctx.transport !== 'direct') {
        if (pin === undefined) {
          throw new HadirError('pin-required', `Enter the admin PIN again to change ${sensitive.join(', ')}`, { fields: sensitive.join(',') })
        }
        auth.confirm(pin, actorOf(ctx), attemptSource(ctx))
      }
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
      // UU PDP: no face is stored without the person's consent on file (or taken now, by a named admin)
      const consentBy = args.consentBy
      if (consentBy === undefined) requireConsent(db, args.personId)
      // one face, one person: refuse a face that already matches someone else at the current level
      const hit = search(embedding)
      if (hit && hit.personId !== args.personId && hit.similarity >= levelThreshold(recognition, currentLevel(), index.size)) {
        const other = personName(hit.personId)
        throw new HadirError('duplicate-face', `this face is already enrolled as ${other ?? hit.personId} (${hit.personId}); it was not added to ${args.personId}`, {
          personId: hit.personId,
          name: other,
          similarity: Math.round(hit.similarity * 1000) / 1000,
        })
      }
      const templateId = withDbErrors(() =>
        db.transaction(() => {
          // consent and the first template in one transaction: a refused template leaves no consent behind
          if (consentBy !== undefined && !hasConsent(db, args.personId)) recordConsent(db, { personId: args.personId, givenBy: consentBy }, { now: deps.now(), actor: actorOf(ctx) })
          return addTemplate(db, { personId: args.personId, model, embedding, quality: args.quality ?? null, source: ctx.actor ?? ctx.transport }, { now: deps.now(), actor: actorOf(ctx) })
        })(),
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
      const refusal = livenessRefusal(args.liveness, level, args.embeddings.length)
      if (refusal) return refuse(refusal.reason, identification, args.liveness, ctx, refusal.check)
      if (identification.decision !== 'match' || identification.personId === null || identification.name === null) {
        return { kind: 'unknown', identification: redacted(identification) }
      }
      // the main side's clock: a renderer cannot backdate (or postdate) a check-in; seenAt is ignored
      const now = deps.now()
      const at = now
      const rules = settingsService.rules()
      const personId = identification.personId
      const last = lastEventOf(db, personId)
      // every sighting, an "already recorded" one too, extends the presence; a kiosk record is a sighting
      const continued = presences.sight(personId, at, presenceOf(rules), last && last.source === 'kiosk' ? last.at : null)
      const prev = last && last.at <= at ? last : lastEventOf(db, personId, at)
      const plan = planScan({ last, prev, at, rules, continued })
      // face AND PIN: a scan that would write something waits for the person's PIN (kiosk/face-pin)
      if (plan.kind !== 'already' && fallback.requiresFacePin()) return fallback.faceTicket(identification, personId, identification.name, at)
      switch (plan.kind) {
        case 'already':
          return { kind: 'already-recorded', identification, event: last as NonNullable<typeof last>, presence: plan.why === 'presence' ? 'continued' : 'new', workedTodayMs: workedToday(personId, at) }
        case 'record':
          return record(identification, personId, identification.name, at, null, ctx, faceReview(identification))
        case 'ask':
        case 'confirm': {
          for (const [k, t] of tickets) if (t.expiresAt < now) tickets.delete(k)
          const ticket = randomBytes(16).toString('base64url')
          const expiresAt = now + ASK_TICKET_MS
          const direction = plan.kind === 'confirm' ? plan.direction : null
          tickets.set(ticket, { personId, personName: identification.name, at, identification, expiresAt, direction })
          if (plan.kind === 'ask') return { kind: 'needs-direction', identification, ticket, expiresAt }
          return { kind: 'needs-direction', identification, ticket, expiresAt, suggested: plan.direction, ...(last ? { last } : {}) }
        }
      }
    },

    'kiosk/confirm': (args, ctx) => {
      const t = tickets.get(args.ticket)
      tickets.delete(args.ticket)
      if (!t || t.expiresAt < deps.now()) throw new HadirError('not-found', 'This check-in has expired: please look at the camera again')
      // "Check out now?": only the direction asked about can be confirmed (declining is simply not answering)
      if (t.direction !== null && args.direction !== t.direction) {
        throw new HadirError('invalid-args', `this question was whether to record '${t.direction}'; it was not recorded`, { field: 'direction' })
      }
      return record(t.identification, t.personId, t.personName, t.at, args.direction, ctx, faceReview(t.identification), t.direction)
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
      // anyone who can reach the kiosk screen can read this: the privacy setting is applied here, not only on screen
      const display = settingsService.recentDisplay()
      if (display === 'none') return []
      const rules = settingsService.rules()
      const today = workDay(deps.now(), rules)
      // effective events only (a corrected scan shows its corrected time and direction, a voided one is gone)
      return listAttendance(db, { from: deps.now() - 36 * 3600_000, limit: 50 })
        .filter((e) => workDay(e.at, rules) === today)
        .slice(0, args.limit ?? 5)
        .map((e) => ({ personName: display === 'names' ? e.personName : initialsOf(e.personName), direction: e.direction, at: e.at }))
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
    recognition,
  })
  const all: ServerHandlers = { ...kiosk, ...admin, ...fallback.handlers }
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
      // an admin session works only from the source (paired page) that opened it
      auth.require(a.token, attemptSource(c))
      return h(a, { ...c, actor: c.actor ?? 'admin' })
    }
  }
  return all
}
