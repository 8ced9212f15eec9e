import type { Database } from 'better-sqlite3'
import type { ApiArgs, ApiData, ApiMethod, EmbeddingInput, HostInfo } from '../../src/shared/api/contract'
import { HadirError } from '../../src/shared/api/result'
import type { AttendanceEvent, Direction, Identification, ModelTag } from '../../src/shared/domain/types'
import { confidenceFor } from '../../src/shared/face/match'
import type { FaceIndex } from './recognition/face-index'
import { lastEventOf, listAttendance, recordAttendance } from './store/attendance-store'
import { deletePerson, listPeople, upsertPerson } from './store/people-store'
import { addTemplate } from './store/template-store'
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
  /** cosine decision threshold of the current model */
  threshold: number
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

export function createHandlers(deps: HandlerDeps): ServerHandlers {
  const { db, index, threshold, cooldownMs } = deps
  const dayKey = deps.dayKey ?? localDayKey
  const model: ModelTag = { modelId: index.modelId, modelVersion: index.modelVersion }
  const actorOf = (ctx: HandlerContext) => ctx.actor ?? ctx.transport

  function checkModel(input: EmbeddingInput): void {
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

  function identify(input: EmbeddingInput): Identification {
    checkModel(input)
    const hit = index.search(input.embedding)
    const unknown: Identification = {
      decision: 'unknown',
      personId: null,
      name: null,
      similarity: 0,
      confidence: 'low',
      secondSimilarity: 0,
      threshold,
    }
    if (!hit) return unknown
    const similarity = Math.max(0, hit.similarity)
    const secondSimilarity = Math.max(0, hit.secondSimilarity)
    const name = hit.similarity >= threshold ? personName(hit.personId) : null
    if (name === null) {
      // best candidate is reported for tuning, but not named on an unknown decision
      return { ...unknown, personId: hit.personId, similarity, secondSimilarity }
    }
    return {
      decision: 'match',
      personId: hit.personId,
      name,
      similarity,
      confidence: confidenceFor(similarity, threshold),
      secondSimilarity,
      threshold,
    }
  }

  return {
    'host/info': () => deps.hostInfo(),

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
      const templateId = addTemplate(
        db,
        { personId: args.personId, model, embedding, quality: args.quality ?? null, source: ctx.actor ?? ctx.transport },
        { now: deps.now(), actor: actorOf(ctx) },
      )
      const active = db.prepare('SELECT active FROM people WHERE id = ?').get(args.personId) as { active: number } | undefined
      if (active?.active === 1) index.add(args.personId, embedding)
      return { templateId }
    },

    'recognition/identify': (args) => identify(args),

    'kiosk/recognize': (args, ctx) => {
      const identification = identify(args)
      if (identification.decision !== 'match' || identification.personId === null || identification.name === null) {
        return { kind: 'unknown', identification }
      }
      const personId = identification.personId
      const personName = identification.name
      const at = args.seenAt ?? deps.now()
      // check + insert in one IMMEDIATE transaction so a CLI process on the same file cannot race us
      return withDbErrors(() =>
        db
          .transaction(() => {
            const last = lastEventOf(db, personId)
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
