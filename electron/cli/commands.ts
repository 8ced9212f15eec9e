import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { basename, extname, join } from 'node:path'
import type { ApiArgs, ApiData, ApiMethod } from '../../src/shared/api/contract'
import { HadirError, toApiError, type ApiError } from '../../src/shared/api/result'
import { chooseEnrollmentSubject, type FacePipeline } from '../../src/vision/core/face-pipeline'
import { photoMismatch, SAME_PERSON_MIN_COSINE } from '../../src/shared/face/match'
import { createBackup, listBackups, restoreBackup } from '../server/db/backup'
import { defaultDbFile, openDb } from '../server/db/open-db'
import { createApp } from '../server/create-app'
import { embeddingModelTag, recognitionConfig } from '../server/models/manifest'
import { decodeImageFile } from './decode-image'
import { createNodePipeline } from './node-vision'
import { runLivenessCommand, runTrackLivenessCommand } from './liveness-cli'
import type { LivenessScorer } from '../../src/vision/core/liveness'
import { eachFile, isFatal } from './each-file'

export const usage = `usage: npm run --silent cli -- <command> [options]
  enroll <dir> --consent-by NAME [--db FILE]
                                  enroll <dir>/<person-id>/*.{jpg,jpeg,png} (folder name = id and name);
                                  NAME: the admin who took each person's consent to face processing
                                  (UU PDP), recorded with the first photo. Without it only people whose
                                  consent is on file are enrolled; the others' photos are rejected
                                  (consent-required) and not even read.
  revoke-consent <person-id> [--db FILE]
                                  withdraw a person's consent: their face templates are erased (audited,
                                  tombstoned to HR); attendance history stays
  identify <file...> [--db FILE]  one JSON line per file
  people [--db FILE]              list enrolled people
  roster <file> [--db FILE]       import people from an employee list (.csv/.xlsx: id, name, department);
                                  all or nothing: with an error row nothing is imported (exit 1)
  delete <person-id> [--db FILE]  delete a person and their face templates
  liveness <file...>              one JSON line per file: the single-frame passive liveness decision
  liveness --track <f1> <f2>...   one JSON line: the decision over the frames of one presentation (live | challenge | spoof) [--fps N]
  backup [--db FILE]              check the database and write backups/<name>-YYYYMMDD-HHMMSS.db now (newest 7 kept)
  restore <backup-file> [--db FILE]
                                  replace the database with a checked backup; the current file (and its
                                  -wal/-shm) is moved aside as <name>.damaged-<time>, never deleted.
                                  Stop the kiosk first.
  admin set-pin [--db FILE]       set the admin PIN (6–12 digits) on this machine: the first one, or a
                                  forgotten one replaced (audited). Read from stdin (asked twice on a
                                  terminal), never from the command line.
  pair [--db FILE]                a one-time code (10 minutes) that pairs one more kiosk page or script
                                  with the running web host: prints {"code","expiresAt","url"}; open the url
The database defaults to $HADIR_DATA_DIR/hadir.db (or the OS app-data folder).
`

export type CliIo = {
  out: (line: string) => void
  progress: (line: string) => void
  /** a secret typed by the person at the machine (the PIN): from stdin, never from argv (visible in `ps`) */
  readSecret?: (prompt: string) => Promise<string>
}

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png'])

type Parsed = { positional: string[]; db: string; consentBy: string | null }

function parseArgs(args: string[]): Parsed {
  const positional: string[] = []
  let db: string | undefined
  let consentBy: string | null = null
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (a === '--consent-by') {
      const v = args[++i]
      if (!v || v.trim() === '' || v.startsWith('--')) throw new HadirError('invalid-args', '--consent-by needs the name of the admin who took the consent')
      consentBy = v.trim()
    } else if (a.startsWith('--consent-by=')) consentBy = a.slice('--consent-by='.length).trim() || null
    else if (a === '--db') {
      db = args[++i]
      if (!db) throw new HadirError('invalid-args', '--db needs a file name')
    } else if (a.startsWith('--db=')) db = a.slice(5)
    else if (a.startsWith('--')) throw new HadirError('invalid-args', `unknown option ${a}`)
    else positional.push(a)
  }
  return { positional, db: db ?? defaultDbFile(), consentBy }
}

/** The app (store + dispatcher) as the CLI uses it: every call goes through the one dispatcher. */
type CliApp = {
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiData<M>>
  /** one-time pairing codes for the web host on the same database */
  pairingCode(): { code: string; expiresAt: number; hostUrl: string | null }
  close(): void
}

async function openApp(dbFile: string): Promise<CliApp> {
  const embeddingModel = embeddingModelTag()
  const app = await createApp({
    dbFile,
    hostKind: 'web',
    modelBaseUrl: '',
    wasmBaseUrl: '',
    embeddingModel,
    recognition: recognitionConfig(),
  })
  return {
    async call(method, args) {
      const r = await app.dispatch(method, args)
      if (!r.ok) throw new HadirError(r.error.code, r.error.message)
      return r.data as never
    },
    pairingCode() {
      const { code, expiresAt } = app.sessions.issueStoredCode('cli')
      const row = app.db.prepare("SELECT value FROM settings WHERE key = 'host.url'").get() as { value: string } | undefined
      return { code, expiresAt, hostUrl: row ? (JSON.parse(row.value) as string) : null }
    },
    close: () => app.close(),
  }
}

const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d

export async function runCommand(command: string, args: string[], io: CliIo): Promise<number> {
  // liveness has options of its own (--track, --fps), parsed in its case
  const { positional, db, consentBy } = command === 'liveness' ? { positional: [], db: '', consentBy: null } : parseArgs(args)
  switch (command) {
    case 'people': {
      const app = await openApp(db)
      try {
        io.out(JSON.stringify(await app.call('people/list', {})))
      } finally {
        app.close()
      }
      return 0
    }
    case 'roster': {
      const [file] = positional
      if (!file || positional.length !== 1) throw new HadirError('invalid-args', 'roster needs exactly one file (.csv or .xlsx)')
      if (!existsSync(file)) throw new HadirError('not-found', `no such file: ${file}`)
      const bytes = readFileSync(file)
      const isZip = bytes.subarray(0, 2).toString('latin1') === 'PK'
      const app = await openApp(db)
      try {
        // the same call as the admin screen: CSV gzipped so a large list fits one call
        const r = await app.call('people/import-roster', { fileName: basename(file), ...(isZip ? { data: bytes.toString('base64') } : { data: gzipSync(bytes).toString('base64'), encoding: 'gzip' }) })
        io.out(JSON.stringify({ applied: r.applied, format: r.format, separator: r.separator, counts: r.counts, errors: r.rows.filter((x) => x.status === 'error') }))
        return r.applied ? 0 : 1
      } finally {
        app.close()
      }
    }
    case 'delete': {
      const [personId] = positional
      if (!personId || positional.length !== 1) throw new HadirError('invalid-args', 'delete needs exactly one person id')
      const app = await openApp(db)
      try {
        const r = await app.call('people/delete', { personId })
        io.out(JSON.stringify({ personId, ...r }))
        return r.deleted ? 0 : 1
      } finally {
        app.close()
      }
    }
    case 'enroll': {
      const [dir] = positional
      if (!dir || positional.length !== 1) throw new HadirError('invalid-args', 'enroll needs exactly one folder')
      return enroll(dir, db, io, consentBy)
    }
    case 'revoke-consent': {
      const [personId] = positional
      if (!personId || positional.length !== 1) throw new HadirError('invalid-args', 'revoke-consent needs exactly one person id')
      const app = await openApp(db)
      try {
        io.out(JSON.stringify({ personId, ...(await app.call('people/revoke-consent', { personId })) }))
      } finally {
        app.close()
      }
      return 0
    }
    case 'liveness': {
      // `--track` (and `--fps N` for frames whose times cannot be read) belong to this command only
      const track = args.includes('--track')
      const fpsAt = args.indexOf('--fps')
      const fps = fpsAt >= 0 ? Number(args[fpsAt + 1]) : null
      if (fpsAt >= 0 && !(fps !== null && Number.isFinite(fps) && fps > 0 && fps <= 240)) throw new HadirError('invalid-args', '--fps needs a frame rate between 0 and 240')
      const rest = args.filter((a, i) => a !== '--track' && i !== fpsAt && i !== fpsAt + 1)
      const files = parseArgs(rest).positional
      if (files.length === 0) throw new HadirError('invalid-args', track ? 'liveness --track needs the frames of one presentation, in time order' : 'liveness needs at least one image file')
      return track ? runTrackLivenessCommand(files, io, { fps }) : runLivenessCommand(files, io)
    }
    case 'backup': {
      if (positional.length !== 0) throw new HadirError('invalid-args', 'backup takes no arguments (only --db FILE)')
      if (!existsSync(db)) throw new HadirError('not-found', `There is no database at ${db}`, { path: db })
      const store = openDb(db) // checks it: a damaged database is never backed up
      try {
        const backup = await createBackup(store, db)
        io.out(JSON.stringify({ backup, kept: listBackups(db) }))
      } finally {
        store.close()
      }
      return 0
    }
    case 'restore': {
      const [backupFile] = positional
      if (!backupFile || positional.length !== 1) throw new HadirError('invalid-args', 'restore needs exactly one backup file')
      const r = await restoreBackup(backupFile, db)
      // open it once: migrates an older backup and proves it opens
      openDb(r.db).close()
      io.out(JSON.stringify(r))
      io.progress(`restored ${r.restored} as ${r.db}${r.movedAside.length ? `; the previous file is kept as ${r.movedAside[0]}` : ''}. Start the kiosk again.`)
      return 0
    }
    case 'admin': {
      const [sub] = positional
      if (sub !== 'set-pin' || positional.length !== 1) throw new HadirError('invalid-args', 'admin takes one subcommand: set-pin')
      if (!io.readSecret) throw new HadirError('invalid-args', 'admin set-pin reads the PIN from stdin')
      const pin = (await io.readSecret('New admin PIN (6–12 digits): ')).trim()
      const app = await openApp(db)
      try {
        // the CLI on the machine calls the handlers directly: the first PIN, or a forgotten one replaced
        await app.call('admin/set-pin', { pin })
        io.out(JSON.stringify({ pinSet: true }))
        io.progress('The admin PIN is set. Open admin mode at the kiosk with Ctrl+Shift+A (or hold the top-left corner).')
      } finally {
        app.close()
      }
      return 0
    }
    case 'pair': {
      if (positional.length !== 0) throw new HadirError('invalid-args', 'pair takes no arguments (only --db FILE)')
      const app = await openApp(db)
      try {
        const { code, expiresAt, hostUrl } = app.pairingCode()
        const url = hostUrl ? `${hostUrl}#pair=${code}` : null
        io.out(JSON.stringify({ code, expiresAt, url }))
        io.progress(url ? `Open ${url} in the kiosk browser within 10 minutes (it works once).` : `Open the kiosk at http://127.0.0.1:<port>/#pair=${code} within 10 minutes (it works once).`)
      } finally {
        app.close()
      }
      return 0
    }
    case 'identify': {
      if (positional.length === 0) throw new HadirError('invalid-args', 'identify needs at least one image file')
      return identify(positional, db, io)
    }
    default:
      throw new HadirError('invalid-args', `unknown command '${command}'\n${usage}`)
  }
}

type Rejection = { file: string; code: ApiError['code']; message: string }
type PersonSummary = { personId: string; name: string; stored: number; rejected: Rejection[]; warnings?: EnrollWarning[] }

/** A folder (following links); false for files, broken links and anything unreadable. */
function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

function listPeopleFolders(dir: string): { personId: string; files: string[] }[] {
  let entries: string[]
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder')
    entries = readdirSync(dir).sort()
  } catch {
    throw new HadirError('invalid-args', `${dir} is not a readable folder of <person-id>/ subfolders`)
  }
  const people: { personId: string; files: string[] }[] = []
  for (const name of entries) {
    const p = join(dir, name)
    if (name.startsWith('.') || !isDir(p)) continue
    const files = readdirSync(p)
      .filter((f) => !f.startsWith('.') && !isDir(join(p, f)))
      .sort()
      .map((f) => join(p, f))
    people.push({ personId: name, files })
  }
  return people
}

/** A box in the photo's own pixels, as text for error details. */
const boxText = (b: readonly number[], scale: number) => b.map((v) => Math.round(v / scale)).join(',')

/**
 * Embeds the one face a photo is about (chooseEnrollmentSubject: a large, central, whole face wins
 * over small, off-centre or border-cut ones), or throws no-face / multiple-faces naming the two
 * faces that compete (boxes x,y,w,h in the photo's pixels).
 */
export async function embedSubject(pipeline: FacePipeline, file: string): Promise<Float32Array> {
  return (await embedEnrollmentPhoto(pipeline, file, null)).embedding
}

/** A photo that was stored, with a reason to look at it again. */
export type EnrollWarning = { file: string; code: 'suspected-screen-or-print'; message: string; score: number }

/**
 * embedSubject, and with a liveness scorer the one-frame passive check of the chosen face: a photo
 * the check calls a spoof (a photo of a screen or of a print) is still stored, with a warning for the
 * admin; on calibration/ no LFW photo of 59 was flagged, 21 of 57 screen and print attacks were.
 */
export async function embedEnrollmentPhoto(pipeline: FacePipeline, file: string, liveness: LivenessScorer | null): Promise<{ embedding: Float32Array; suspect: { score: number } | null }> {
  const frame = await decodeImageFile(file)
  const faces = await pipeline.detect(frame)
  const choice = chooseEnrollmentSubject(faces, frame.width, frame.height)
  if (choice.kind === 'none') throw new HadirError('no-face', `no face found in ${file}`)
  if (choice.kind === 'ambiguous') {
    const [a, b] = choice.rivals.map((i) => (faces[i] as (typeof faces)[number]).box)
    const size = (x: readonly number[]) => `${Math.round((x[2] as number) / frame.scale)}x${Math.round((x[3] as number) / frame.scale)}`
    throw new HadirError('multiple-faces', `${choice.count} faces in ${file}: one of ${size(a as number[])} px at ${boxText(a as number[], frame.scale)} and one of ${size(b as number[])} px at ${boxText(b as number[], frame.scale)}, neither clearly the subject; use a photo of one person`, {
      faces: choice.count,
      firstBox: boxText(a as number[], frame.scale),
      secondBox: boxText(b as number[], frame.scale),
    })
  }
  const face = faces[choice.index] as (typeof faces)[number]
  const embedding = await pipeline.embed(frame, face)
  if (!liveness) return { embedding, suspect: null }
  const r = await liveness.score(frame, face)
  return { embedding, suspect: r.reasons.includes('spoof_detected') ? { score: Math.round(r.score * 1000) / 1000 } : null }
}

async function enroll(dir: string, db: string, io: CliIo, consentBy: string | null): Promise<number> {
  const folders = listPeopleFolders(dir)
  const total = folders.reduce((n, f) => n + f.files.length, 0)
  // liveness on: each stored photo also gets the passive one-frame check (a photo of a screen or print is flagged)
  const { pipeline, liveness } = await createNodePipeline({ liveness: true })
  const app = await openApp(db)
  const tag = pipeline.embedderInfo
  const t0 = performance.now()
  const people: PersonSummary[] = []
  let done = 0
  let processed = 0
  try {
    for (const folder of folders) {
      const summary: PersonSummary = { personId: folder.personId, name: folder.personId, stored: 0, rejected: [] }
      people.push(summary)
      try {
        // a new person is named after the folder; an existing one keeps the name an admin gave them
        await app.call('people/create', { id: folder.personId, name: folder.personId })
      } catch (err) {
        const e = toApiError(err)
        if (e.code === 'duplicate-id') {
          // already known: add the photos to them
        } else if (e.code !== 'invalid-args') throw err
        // a folder name that is not a valid person id: reject its files, go on with the next person
        else {
          for (const file of folder.files) summary.rejected.push({ file: `${folder.personId}/${basename(file)}`, code: e.code, message: `folder name is not a valid person id: ${e.message}` })
          done += folder.files.length
          io.progress(`enroll: ${folder.personId}: skipped (${e.message})`)
          continue
        }
      }
      if (consentBy === null) {
        // no consent taken now: only a person whose consent is on file is enrolled (no photo of the others is read)
        const known = (await app.call('people/list', { q: folder.personId, limit: 10_000 })).find((p) => p.id === folder.personId)
        if (!known?.consent) {
          const message = `${folder.personId} has no consent to face processing on file: give --consent-by <admin name> (the admin who took it)`
          for (const file of folder.files) summary.rejected.push({ file: `${folder.personId}/${basename(file)}`, code: 'consent-required', message })
          done += folder.files.length
          io.progress(`enroll: ${folder.personId}: skipped (consent-required)`)
          continue
        }
      }
      // this run's stored photos of the person: a later photo must match one of them
      const accepted: { file: string; embedding: Float32Array }[] = []
      for (const file of folder.files) {
        done++
        const shown = `${folder.personId}/${basename(file)}`
        if (!IMAGE_EXT.has(extname(file).toLowerCase())) {
          summary.rejected.push({ file: shown, code: 'image-unreadable', message: 'not a .jpg, .jpeg or .png file' })
          io.progress(`enroll ${done}/${total} ${shown}: skipped (not an image file)`)
          continue
        }
        try {
          processed++
          const { embedding, suspect } = await embedEnrollmentPhoto(pipeline, file, liveness ?? null)
          const mismatch = photoMismatch(accepted, embedding)
          if (mismatch) {
            throw new HadirError('photo-mismatch', `${shown} does not match ${mismatch.file} (similarity ${mismatch.similarity.toFixed(2)}, same person needs ≥ ${SAME_PERSON_MIN_COSINE}): it looks like someone else, so it was not added to ${folder.personId}`, {
              file: shown,
              matchedAgainst: mismatch.file,
              similarity: Math.round(mismatch.similarity * 1000) / 1000,
            })
          }
          await app.call('enrollment/add-template', { personId: folder.personId, modelId: tag.modelId, modelVersion: tag.modelVersion, embedding: Array.from(embedding), ...(consentBy !== null ? { consentBy } : {}) })
          summary.stored++
          accepted.push({ file: shown, embedding })
          if (suspect) {
            ;(summary.warnings ??= []).push({ file: shown, code: 'suspected-screen-or-print', message: `${shown} looks like a photo of a screen or a print (liveness ${suspect.score}); it was stored: check that it is a real photo of ${folder.personId}`, score: suspect.score })
          }
          io.progress(`enroll ${done}/${total} ${shown}: stored${suspect ? ' (warning: looks like a photo of a screen or print)' : ''}`)
        } catch (err) {
          const e = toApiError(err)
          if (isFatal(e.code)) throw err
          summary.rejected.push({ file: shown, code: e.code, message: e.message })
          io.progress(`enroll ${done}/${total} ${shown}: rejected (${e.code})`)
        }
      }
    }
  } finally {
    app.close()
  }
  const seconds = (performance.now() - t0) / 1000
  const templates = people.reduce((n, p) => n + p.stored, 0)
  io.out(
    JSON.stringify({
      db,
      people,
      totals: { people: people.length, templates, rejected: people.reduce((n, p) => n + p.rejected.length, 0), warnings: people.reduce((n, p) => n + (p.warnings?.length ?? 0), 0) },
      imagesPerSecond: round(processed / Math.max(seconds, 1e-9), 2),
    }),
  )
  return 0
}

async function identify(files: string[], db: string, io: CliIo): Promise<number> {
  const { pipeline } = await createNodePipeline()
  const app = await openApp(db)
  const tag = pipeline.embedderInfo
  try {
    await eachFile(files, io, 'identify', async (file) => {
      const t0 = performance.now()
      const frame = await decodeImageFile(file)
      const t1 = performance.now()
      const { faces, timings } = await pipeline.analyze(frame)
      const t2 = performance.now()
      const out = []
      for (const face of faces) {
        const r = await app.call('recognition/identify', { modelId: tag.modelId, modelVersion: tag.modelVersion, embedding: Array.from(face.embedding) })
        out.push({
          box: face.box.map((v) => Math.round(v / frame.scale)),
          personId: r.personId,
          name: r.name,
          similarity: round(r.similarity, 4),
          decision: r.decision,
          confidence: r.confidence,
        })
      }
      const matchMs = performance.now() - t2
      return { faces: out, timings: { decodeMs: round(t1 - t0), detectMs: round(timings.detectMs), embedMs: round(timings.embedMs), matchMs: round(matchMs, 2) } }
    })
  } finally {
    app.close()
  }
  return 0
}
