import { statfsSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Database } from 'better-sqlite3'
import type { Diagnostics, ExportLang } from '../../src/shared/api/contract'
import { HadirError } from '../../src/shared/api/result'
import type { AttendanceRow, ModelTag } from '../../src/shared/domain/types'
import { levelExpectations, type RecognitionConfig } from '../../src/shared/face/decide'
import type { AdminAuth } from './admin/admin-auth'
import { tableCsv } from './attendance/export-csv'
import { exportWord } from './attendance/export-labels'
import { eventsTable, summaryTable, type TableContext } from './attendance/export-table'
import { tableXlsx, XLSX_MIME } from './attendance/export-xlsx'
import { localIso } from './attendance/rules'
import { validateSchedule } from './attendance/schedule'
import { eventMarks, summarizeDays, type SummaryOptions } from './attendance/summary'
import { applyRoster, readRosterTable, rosterBytes } from './roster/roster-import'
import { listPersonSchedules, personScheduleMap, setPersonSchedule } from './store/schedule-store'
import { attemptSource, type HandlerContext, type ServerHandlers } from './handler-types'
import type { FaceIndex } from './recognition/face-index'
import type { SettingsService } from './settings'
import { addManualAttendance, correctAttendance, getAttendanceRow, listAttendanceRows, voidAttendance } from './store/attendance-store'
import { listAudit } from './store/audit-log'
import { createPerson, deletePerson, getPerson, searchPeople, updatePerson, upsertPerson } from './store/people-store'
import { deleteTemplatesOf, reindexPerson } from './store/template-store'
import { recordConsent, revokeConsent } from './store/consent-store'
import { getUserVersion } from './db/migrate'

/** Admin-only methods (people, attendance, audit, diagnostics) and the admin session itself. */
export type AdminHandlerDeps = {
  db: Database
  index: FaceIndex
  auth: AdminAuth
  settings: SettingsService
  now: () => number
  kioskId: string
  hostKind: 'electron' | 'web'
  version: string
  /** the database file (diagnostics: size, free disk of its folder); ':memory:' in some tests */
  dbFile: string
  /** the verified model files, for diagnostics */
  models: () => Diagnostics['models']
  /** the host's UI language (exports' default when the settings say 'auto') */
  locale?: ExportLang
  /** the decision rule: diagnostics show what each level means for the current gallery */
  recognition?: RecognitionConfig
}

/** Most rows one export may hold (50,000 measured: see README). */
export const MAX_EXPORT_ROWS = 200_000
const DAY_MS = 86_400_000

type AdminMethods =
  | 'admin/status'
  | 'admin/set-pin'
  | 'admin/login'
  | 'admin/logout'
  | 'people/list'
  | 'people/create'
  | 'people/update'
  | 'people/upsert'
  | 'people/delete'
  | 'people/clear-templates'
  | 'attendance/list'
  | 'attendance/correct'
  | 'attendance/add'
  | 'attendance/void'
  | 'attendance/summary'
  | 'attendance/export'
  | 'audit/list'
  | 'diagnostics/get'
  | 'people/import-roster'
  | 'schedules/list'
  | 'schedules/set'
  | 'people/record-consent'
  | 'people/revoke-consent'

const actorOf = (ctx: HandlerContext): string => ctx.actor ?? (ctx.transport === 'direct' ? 'cli' : `admin@${ctx.transport}`)


const rowOf = (db: Database, id: string): AttendanceRow => {
  const row = getAttendanceRow(db, id)
  if (!row) throw new HadirError('not-found', `no attendance entry ${id}`)
  const { createdAt: _created, ...rest } = row
  return rest
}

export function createAdminHandlers(deps: AdminHandlerDeps): Pick<ServerHandlers, AdminMethods> {
  const { db, index, auth, settings } = deps
  const model: ModelTag = { modelId: index.modelId, modelVersion: index.modelVersion }
  const peopleCtx = (ctx: HandlerContext) => ({ now: deps.now(), actor: actorOf(ctx), model })
  const correctionCtx = (ctx: HandlerContext) => ({ now: deps.now(), actor: actorOf(ctx), kioskId: deps.kioskId })

  const effectiveRange = (args: { from: number; to: number; personId?: string }) =>
    listAttendanceRows(db, { from: args.from, to: args.to, ...(args.personId ? { personId: args.personId } : {}), limit: null })
  /** schedules (a person's own, else the office default) and the clock, for summaries and marks */
  const summaryOptions = (): SummaryOptions => {
    const own = personScheduleMap(db)
    const fallback = settings.schedule()
    return { now: deps.now(), scheduleOf: (id) => own.get(id) ?? fallback }
  }
  const marksLookup = (events: Parameters<typeof eventMarks>[0], rules: ReturnType<SettingsService['rules']>) => {
    const marks = eventMarks(events, rules, summaryOptions())
    return (id: string) => marks.get(id)
  }
  /** the export's language when the caller does not say: the settings' language, else the host's */
  const exportLang = (): ExportLang => {
    const l = settings.get().language
    return l === 'id' || l === 'en' ? l : (deps.locale ?? 'en')
  }

  return {
    'admin/status': (_args, ctx) => auth.status(attemptSource(ctx)),
    'admin/set-pin': (args, ctx) => {
      const source = attemptSource(ctx)
      // the first PIN only at the kiosk screen itself (Electron's own page, a paired web page) or on the
      // machine (the CLI): anything else gets 'admin-setup-required', never an open door
      const firstAllowed = ctx.transport === 'direct' || ctx.transport === 'ipc' || Boolean(ctx.session)
      // the CLI on the machine (which holds the database and its key anyway) may replace a forgotten PIN
      auth.setPin(args.pin, { ...(args.token ? { token: args.token } : {}), actor: actorOf(ctx), source, firstAllowed, reset: ctx.transport === 'direct' })
      return auth.login(args.pin, actorOf(ctx), source)
    },
    'admin/login': (args, ctx) => auth.login(args.pin, actorOf(ctx), attemptSource(ctx)),
    'admin/logout': (args) => {
      const live = auth.check(args.token)
      auth.logout(args.token)
      return { loggedOut: live }
    },

    'people/list': (args) => searchPeople(db, model, { ...(args.q ? { q: args.q } : {}), activeOnly: args.activeOnly === true, limit: args.limit ?? 1000 }),
    'people/create': (args, ctx) => createPerson(db, { id: args.id, name: args.name, department: args.department ?? null }, peopleCtx(ctx)),
    'people/update': (args, ctx) => {
      const { token: _t, ...change } = args
      const p = updatePerson(db, change, peopleCtx(ctx))
      if (args.active !== undefined) reindexPerson(db, index, args.id)
      return p
    },
    'people/upsert': (args, ctx) => upsertPerson(db, { id: args.id, name: args.name, ...(args.department !== undefined ? { department: args.department } : {}) }, peopleCtx(ctx)),
    'people/delete': (args, ctx) => {
      const res = deletePerson(db, args.personId, { now: deps.now(), actor: actorOf(ctx) })
      index.removePerson(args.personId)
      return res
    },
    'people/record-consent': (args, ctx) => recordConsent(db, { personId: args.personId, givenBy: args.givenBy }, { now: deps.now(), actor: actorOf(ctx) }),
    'people/revoke-consent': (args, ctx) => {
      const res = revokeConsent(db, args.personId, { now: deps.now(), actor: actorOf(ctx) })
      index.removePerson(args.personId)
      return res
    },
    'people/clear-templates': (args, ctx) => {
      const templates = deleteTemplatesOf(db, args.personId, { now: deps.now(), actor: actorOf(ctx) })
      index.removePerson(args.personId)
      return { templates }
    },

    'attendance/list': (args) => {
      const { token: _t, ...q } = args
      const rows = listAttendanceRows(db, q)
      if (rows.length === 0) return []
      // marks need each listed row's whole work day (all directions): a day either side covers it
      const ats = rows.map((r) => r.at)
      const around = listAttendanceRows(db, { from: Math.min(...ats) - 2 * DAY_MS, to: Math.max(...ats) + 2 * DAY_MS, ...(q.personId ? { personId: q.personId } : {}), limit: null })
      const marksOf = marksLookup(around, settings.rules())
      return rows.map(({ createdAt: _c, ...r }) => {
        const m = marksOf(r.id)
        return m ? { ...r, marks: m } : r
      })
    },
    'attendance/correct': (args, ctx) => {
      const e = correctAttendance(
        db,
        { eventId: args.eventId, reason: args.reason, ...(args.at !== undefined ? { at: args.at } : {}), ...(args.direction ? { direction: args.direction } : {}) },
        correctionCtx(ctx),
      )
      return rowOf(db, e.id)
    },
    'attendance/add': (args, ctx) => {
      const person = getPerson(db, args.personId, model)
      if (!person) throw new HadirError('not-found', `no person with id ${args.personId}`, { personId: args.personId })
      const e = addManualAttendance(db, { personId: person.id, personName: person.name, at: args.at, direction: args.direction, reason: args.reason }, correctionCtx(ctx))
      return rowOf(db, e.id)
    },
    'attendance/void': (args, ctx) => {
      const r = voidAttendance(db, { eventId: args.eventId, reason: args.reason }, correctionCtx(ctx))
      const { createdAt: _c, ...rest } = r
      return rest
    },
    'attendance/summary': (args) => summarizeDays(effectiveRange(args), settings.rules(), summaryOptions()),
    'attendance/export': async (args) => {
      const rules = settings.rules()
      const lang = args.lang ?? exportLang()
      const events = effectiveRange(args)
      // a summary has at most one row per event: the events bound both kinds before any work
      if (events.length > MAX_EXPORT_ROWS) {
        throw new HadirError('export-too-large', `More than ${MAX_EXPORT_ROWS} rows in this range: export a shorter period or one person`, { limit: MAX_EXPORT_ROWS })
      }
      const label = { from: localIso(args.from, rules.timeZone), to: localIso(args.to, rules.timeZone) }
      const departments = new Map((db.prepare('SELECT id, department FROM people').all() as { id: string; department: string | null }[]).map((p) => [p.id, p.department]))
      const ctx: TableContext = { rules, lang, departmentOf: (id) => departments.get(id) ?? null }
      const table =
        args.kind === 'events'
          ? eventsTable(events, { ...ctx, marksOf: marksLookup(events, rules) }, label)
          : summaryTable(summarizeDays(events, rules, summaryOptions()), ctx, label)
      const day = (ms: number) => localIso(ms, rules.timeZone).slice(0, 10)
      const format = args.format ?? 'csv'
      const filename = `hadir-${exportWord(lang, args.kind === 'events' ? 'file.events' : 'file.summary')}-${day(args.from)}_${day(args.to - 1)}.${format}`
      if (format === 'xlsx') {
        const bytes = await tableXlsx(table, rules.timeZone, { created: deps.now() })
        return { format, filename, mime: XLSX_MIME, rows: table.rows.length, base64: bytes.toString('base64') }
      }
      const csv = tableCsv(table, rules.timeZone, { lang, ...(args.separator ? { separator: args.separator } : {}) })
      return { format, filename, mime: 'text/csv;charset=utf-8', rows: table.rows.length, csv }
    },

    'people/import-roster': async (args, ctx) => {
      const table = await readRosterTable(rosterBytes(args.data, args.encoding))
      const report = applyRoster(db, table, { now: deps.now(), actor: actorOf(ctx), ...(args.dryRun ? { dryRun: true } : {}) })
      return report
    },
    'schedules/list': () => listPersonSchedules(db),
    'schedules/set': (args, ctx) => {
      const schedule = args.schedule === null ? null : validateSchedule(args.schedule, settings.rules().dayBoundary)
      return { personId: args.personId, schedule: setPersonSchedule(db, args.personId, schedule, { now: deps.now(), actor: actorOf(ctx) }) }
    },

    'audit/list': (args) => {
      const rows = listAudit(db, args.subject ? 10_000 : (args.limit ?? 200))
      const picked = args.subject ? rows.filter((r) => r.subject === args.subject).slice(0, args.limit ?? 200) : rows
      return picked
    },

    'diagnostics/get': () => {
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n
      const pending = db.prepare('SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE sent_at IS NULL').get() as { n: number; oldest: number | null }
      let disk: Diagnostics['disk'] = { path: deps.dbFile, freeBytes: null, totalBytes: null }
      let sizeBytes = 0
      if (deps.dbFile !== ':memory:') {
        try {
          sizeBytes = statSync(deps.dbFile).size
          const fs = statfsSync(dirname(deps.dbFile))
          disk = { path: dirname(deps.dbFile), freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize }
        } catch {
          // diagnostics must not fail because a figure is missing
        }
      }
      const rules = settings.rules()
      return {
        appVersion: deps.version,
        hostKind: deps.hostKind,
        kioskId: deps.kioskId,
        embeddingModel: { ...model, dim: index.dim },
        models: deps.models(),
        counts: {
          people: count('SELECT count(*) AS n FROM people'),
          activePeople: count('SELECT count(*) AS n FROM people WHERE active = 1'),
          templates: count('SELECT count(*) AS n FROM face_templates'),
          events: count('SELECT count(*) AS n FROM attendance_events'),
          auditEntries: count('SELECT count(*) AS n FROM audit_log'),
        },
        outbox: { pending: pending.n, oldestPendingAt: pending.oldest },
        lastSync: null,
        disk,
        db: { sizeBytes, schemaVersion: getUserVersion(db) },
        now: deps.now(),
        timeZone: rules.timeZone,
        ...(deps.recognition ? { recognition: { templates: index.size, level: settings.securityLevel(), levels: levelExpectations(deps.recognition, index.size) } } : {}),
      }
    },
  }
}
