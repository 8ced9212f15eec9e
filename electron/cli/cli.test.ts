/**
 * The command-line tool on real photos (../shared/faces), a real SQLite file and real broken files,
 * run as a real process exactly as `npm run cli` runs it.
 */
import { execFile } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb } from '../server/db/open-db'

const ROOT = resolve(import.meta.dirname, '..', '..')
const FACES = process.env['HADIR_FACES_DIR'] ?? resolve(ROOT, '..', 'shared', 'faces')
const IDENTITIES = join(FACES, 'identities')
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx')
const CLI = join(ROOT, 'electron', 'cli', 'index.ts')

/** Floor measured on the developer set: 85 of 86 probes right (stuart/5.png is missed). */
const MIN_RIGHT_SHARE = 0.95

type RunResult = { code: number; stdout: string; stderr: string; lines: unknown[] }

/** The real CLI; `input` goes to its stdin (the PIN is never an argument: argv shows in `ps`). */
function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(TSX, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0
      const lines = stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as unknown)
      resolvePromise({ code: typeof code === 'number' ? code : 1, stdout, stderr, lines })
    })
    if (input !== undefined) child.stdin?.end(input)
  })
}

type IdentifyLine = {
  file: string
  faces?: { box: number[]; personId: string | null; name: string | null; similarity: number; decision: string; confidence: string }[]
  timings?: Record<string, number>
  error?: { code: string; message: string }
}

let work: string
let db: string
const probes: { person: string; file: string }[] = []

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'hadir-cli-'))
  db = join(work, 'data', 'hadir.db')
  // enroll folder: the first photo of each identity; every other photo is a probe
  const enrollDir = join(work, 'enroll')
  for (const person of readdirSync(IDENTITIES).sort()) {
    const files = readdirSync(join(IDENTITIES, person)).sort()
    mkdirSync(join(enrollDir, person), { recursive: true })
    symlinkSync(join(IDENTITIES, person, files[0] as string), join(enrollDir, person, files[0] as string))
    for (const f of files.slice(1)) probes.push({ person, file: join(IDENTITIES, person, f) })
  }
  // a person folder with only bad files, to see per-file rejections
  mkdirSync(join(enrollDir, 'zz_bad'), { recursive: true })
  writeFileSync(join(enrollDir, 'zz_bad', 'notes.txt'), 'not a photo')
  symlinkSync(join(FACES, 'other', 'noface_landscape.jpg'), join(enrollDir, 'zz_bad', 'landscape.jpg'))
  symlinkSync(join(FACES, 'other', 'group_selfie_many_people.jpg'), join(enrollDir, 'zz_bad', 'group.jpg'))
  // issue 15: an LFW crop whose neighbour is cut by the border enrolls its subject; two comparable
  // faces are refused naming both; a second person's photo in one person's folder is refused
  const CAL = join(FACES, 'calibration')
  mkdirSync(join(enrollDir, 'zz_lfw_cut'), { recursive: true })
  symlinkSync(join(CAL, 'Shaukat_Aziz', 'Shaukat_Aziz_0001.jpg'), join(enrollDir, 'zz_lfw_cut', '1.jpg'))
  symlinkSync(join(CAL, 'Ben_Affleck', 'Ben_Affleck_0007.jpg'), join(enrollDir, 'zz_lfw_cut', '2.jpg'))
  mkdirSync(join(enrollDir, 'zz_mixed'), { recursive: true })
  symlinkSync(join(CAL, 'Vicente_Fox', 'Vicente_Fox_0001.jpg'), join(enrollDir, 'zz_mixed', '1.jpg'))
  symlinkSync(join(CAL, 'Tom_Craddick', 'Tom_Craddick_0001.jpg'), join(enrollDir, 'zz_mixed', '2.jpg'))
  symlinkSync(join(CAL, 'Vicente_Fox', 'Vicente_Fox_0003.jpg'), join(enrollDir, 'zz_mixed', '3.jpg'))
  // a photo of a printed photo: stored, with a warning
  mkdirSync(join(enrollDir, 'zz_print'), { recursive: true })
  symlinkSync(join(FACES, 'spoof', 'spoof', 'minivision_image_F1_print.jpg'), join(enrollDir, 'zz_print', '1.jpg'))
  // a folder name that cannot be a person id (blank), and a broken link: rejected, the run goes on
  mkdirSync(join(enrollDir, '   '), { recursive: true })
  symlinkSync(join(IDENTITIES, 'obama', '2.jpg'), join(enrollDir, '   ', 'a.jpg'))
  symlinkSync(join(work, 'does-not-exist.jpg'), join(enrollDir, 'zz_bad', 'broken-link.jpg'))
  // broken inputs
  const bad = join(work, 'bad')
  mkdirSync(bad)
  writeFileSync(join(bad, 'text.jpg'), 'this is not a jpeg at all')
  writeFileSync(join(bad, 'empty.jpg'), '')
  const jpeg = readFileSync(join(IDENTITIES, 'obama', '1.jpg'))
  writeFileSync(join(bad, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 3)))
  // a 50 MB image: incompressible noise stored as an uncompressed PNG
  const w = 4200
  const noise = Buffer.alloc(w * w * 3)
  for (let i = 0; i < noise.length; i += 4) noise.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, i)
  await sharp(noise, { raw: { width: w, height: w, channels: 3 } }).png({ compressionLevel: 0 }).toFile(join(bad, 'huge.png'))
  // a small file that decodes to 400 megapixels (decompression bomb)
  await sharp({ create: { width: 20000, height: 20000, channels: 3, background: '#808080' }, limitInputPixels: false }).png({ compressionLevel: 9 }).toFile(join(bad, 'bomb.png'))
  const enrolled = await runCli(['enroll', enrollDir, '--consent-by', 'CLI test admin', '--db', db])
  expect(enrolled.code, enrolled.stderr).toBe(0)
  enrollSummary = enrolled.lines.at(-1) as typeof enrollSummary
}, 600_000)

let enrollSummary: {
  people: { personId: string; stored: number; rejected: { file: string; code: string }[]; warnings?: { file: string; code: string }[] }[]
  totals: { people: number; templates: number; rejected: number; warnings: number }
  imagesPerSecond: number
}

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('cli enroll', () => {
  it('stores one template per identity from its first photo', () => {
    const ok = enrollSummary.people.filter((p) => !p.personId.startsWith('zz_') && p.personId.trim() !== '')
    expect(ok).toHaveLength(24)
    for (const p of ok) expect(p.stored, p.personId).toBe(1)
    expect(enrollSummary.imagesPerSecond).toBeGreaterThan(0)
  })

  it('rejects non-images, faceless and group photos with a reason per file', () => {
    const bad = enrollSummary.people.find((p) => p.personId === 'zz_bad')
    expect(bad?.stored).toBe(0)
    const byFile = Object.fromEntries((bad?.rejected ?? []).map((r) => [r.file, r.code]))
    expect(byFile).toEqual({
      'zz_bad/broken-link.jpg': 'image-unreadable',
      'zz_bad/group.jpg': 'multiple-faces',
      'zz_bad/landscape.jpg': 'no-face',
      'zz_bad/notes.txt': 'image-unreadable',
    })
    const blank = enrollSummary.people.find((p) => p.personId.trim() === '')
    expect(blank).toMatchObject({ stored: 0, rejected: [{ code: 'invalid-args' }] })
  })

  it('without --consent-by a person with no consent on file is not enrolled (consent-required); with it the consent is recorded', async () => {
    const dir = join(work, 'no-consent')
    mkdirSync(join(dir, 'newbie'), { recursive: true })
    symlinkSync(join(IDENTITIES, 'obama', '2.jpg'), join(dir, 'newbie', 'a.jpg'))
    const r = await runCli(['enroll', dir, '--db', db])
    expect(r.code, r.stderr).toBe(0)
    const s = r.lines.at(-1) as typeof enrollSummary
    expect(s.people).toMatchObject([{ personId: 'newbie', stored: 0, rejected: [{ file: 'newbie/a.jpg', code: 'consent-required' }] }])
    const people = (await runCli(['people', '--db', db])).lines[0] as { id: string; templates: number; consent?: { givenBy: string } }[]
    expect(people.find((p) => p.id === 'newbie')).toMatchObject({ templates: 0 })
    expect(people.find((p) => p.id === 'newbie')?.consent).toBeUndefined()
    expect(people.find((p) => p.id === 'obama')?.consent).toMatchObject({ givenBy: 'CLI test admin' })
  })

  it('enrolls the subject of a photo whose neighbour is cut by the border; refuses two comparable faces, naming both', () => {
    const p = enrollSummary.people.find((x) => x.personId === 'zz_lfw_cut')
    expect(p?.stored).toBe(1)
    const r = p?.rejected as unknown as { file: string; code: string; message: string }[]
    expect(r.map((x) => [x.file, x.code])).toEqual([['zz_lfw_cut/2.jpg', 'multiple-faces']])
    // both faces with their sizes and boxes
    expect(r[0]?.message).toMatch(/2 faces .*one of \d+x\d+ px at \d+,\d+,\d+,\d+ and one of \d+x\d+ px at \d+,\d+,\d+,\d+/)
  })

  it('a photo of someone else in a person\'s folder is refused (photo-mismatch); the photos that match are stored', async () => {
    const p = enrollSummary.people.find((x) => x.personId === 'zz_mixed')
    expect(p?.stored).toBe(2)
    expect(p?.rejected.map((x) => [x.file, x.code])).toEqual([['zz_mixed/2.jpg', 'photo-mismatch']])
    expect((p?.rejected[0] as unknown as { message: string }).message).toContain('does not match zz_mixed/1.jpg')
    const people = await runCli(['people', '--db', db])
    expect((people.lines[0] as { id: string; templates: number }[]).find((x) => x.id === 'zz_mixed')?.templates).toBe(2)
  })

  it('a photo of a print is stored with a warning to check it; the real photos of the developer set get none', () => {
    const p = enrollSummary.people.find((x) => x.personId === 'zz_print')
    expect(p).toMatchObject({ stored: 1, warnings: [{ file: 'zz_print/1.jpg', code: 'suspected-screen-or-print' }] })
    const others = enrollSummary.people.filter((x) => x.personId !== 'zz_print' && x.warnings?.length)
    expect(others.map((x) => x.personId)).toEqual([])
    expect(enrollSummary.totals.warnings).toBe(1)
  })

  it('lists and deletes people', async () => {
    const people = await runCli(['people', '--db', db])
    expect(people.code).toBe(0)
    const list = people.lines[0] as { id: string; templates: number }[]
    expect(list.map((p) => p.id)).toContain('obama')
    expect(list.find((p) => p.id === 'obama')?.templates).toBe(1)
  })
})

describe('cli identify', () => {
  it('identifies the other photos of enrolled people (rank-1 over the developer set)', async () => {
    const r = await runCli(['identify', ...probes.map((p) => p.file), '--db', db])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.lines as IdentifyLine[]
    expect(lines).toHaveLength(probes.length)
    let right = 0
    let detected = 0
    for (const [i, line] of lines.entries()) {
      const probe = probes[i] as (typeof probes)[number]
      expect(line.file).toBe(probe.file)
      expect(line.timings).toBeDefined()
      const best = line.faces?.[0]
      if (!best) continue
      detected++
      if (best.decision === 'match' && best.personId === probe.person) right++
    }
    const share = right / probes.length
    process.stderr.write(`cli identify: ${right}/${probes.length} right (${(share * 100).toFixed(1)}%), faces found in ${detected}\n`)
    expect(share).toBeGreaterThanOrEqual(MIN_RIGHT_SHARE)
  })

  it('gives no faces for a landscape, several for a group photo, and the subject in a photo with a bystander', async () => {
    const files = [join(FACES, 'other', 'noface_landscape.jpg'), join(FACES, 'other', 'group_bbt1.jpg'), join(FACES, 'other', 'group_kit_with_rose.jpg')]
    const r = await runCli(['identify', ...files, '--db', db])
    const [landscape, group, kit] = r.lines as IdentifyLine[]
    expect(landscape?.faces).toEqual([])
    expect(group?.faces?.length).toBeGreaterThanOrEqual(3)
    for (const f of group?.faces ?? []) {
      expect(f.box).toHaveLength(4)
      expect(['match', 'unknown']).toContain(f.decision)
    }
    expect(kit?.faces?.some((f) => f.personId === 'kit_harington' && f.decision === 'match')).toBe(true)
  })

  it('prints an error line per broken file and goes on with the next', async () => {
    const bad = join(work, 'bad')
    const good = join(IDENTITIES, 'obama', '2.jpg')
    const files = ['text.jpg', 'empty.jpg', 'truncated.jpg', 'huge.png', 'bomb.png', 'missing.jpg'].map((f) => join(bad, f))
    const r = await runCli(['identify', ...files, good, '--db', db])
    expect(r.code).toBe(0)
    const lines = r.lines as IdentifyLine[]
    expect(lines.map((l) => l.error?.code ?? 'ok')).toEqual(['image-unreadable', 'image-unreadable', 'image-unreadable', 'image-too-large', 'image-too-large', 'image-unreadable', 'ok'])
    for (const l of lines.slice(0, -1)) expect(l.error?.message.length).toBeGreaterThan(5)
    expect(lines.at(-1)?.faces?.[0]).toMatchObject({ personId: 'obama', decision: 'match' })
  })

  it('deletes a person: they are no longer recognised and the rest is kept', async () => {
    const copy = join(work, 'copy.db')
    copyFileSync(db, copy)
    // the templates are sealed: the copy needs its data key beside it
    copyFileSync(join(work, 'data', 'hadir.key'), join(work, 'hadir.key'))
    const del = await runCli(['delete', 'obama', '--db', copy])
    expect(del.lines[0]).toMatchObject({ personId: 'obama', deleted: true, templates: 1 })
    const r = await runCli(['identify', join(IDENTITIES, 'obama', '2.jpg'), join(IDENTITIES, 'amy', '2.png'), '--db', copy])
    const [obama, amy] = r.lines as IdentifyLine[]
    expect(obama?.faces?.[0]?.decision).toBe('unknown')
    expect(obama?.faces?.[0]?.personId).not.toBe('obama')
    expect(amy?.faces?.[0]).toMatchObject({ personId: 'amy', decision: 'match' })
    const again = await runCli(['delete', 'obama', '--db', copy])
    expect(again.code).toBe(1)
  })
})

describe('cli failures', () => {
  it('a corrupt or missing model file is named, and nothing is written', async () => {
    const root = join(work, 'root-corrupt')
    cpSync(join(ROOT, 'models'), join(root, 'models'), { recursive: true })
    writeFileSync(join(root, 'models', 'recognition', 'fr_feature.onnx'), 'garbage')
    const r = await runCli(['identify', join(IDENTITIES, 'obama', '2.jpg'), '--db', db], { HADIR_ROOT: root })
    expect(r.code).toBe(1)
    expect(r.lines[0]).toMatchObject({ error: { code: 'model-corrupt' } })
    expect(r.stderr).toContain('models/recognition/fr_feature.onnx')
    rmSync(join(root, 'models', 'human', 'facemesh.bin'))
    const r2 = await runCli(['identify', join(IDENTITIES, 'obama', '2.jpg'), '--db', db], { HADIR_ROOT: root })
    expect(r2.lines[0]).toMatchObject({ error: { code: 'model-missing' } })
    expect(r2.stderr).toContain('facemesh.bin')
  })

  it('a database folder that cannot be written gives db-not-writable', async () => {
    const r = await runCli(['people', '--db', join(IDENTITIES, 'obama', '1.jpg', 'hadir.db')])
    expect(r.code).toBe(1)
    expect(r.lines[0]).toMatchObject({ error: { code: 'db-not-writable' } })
  })

  it('an unknown command or option is a usage error', async () => {
    const r = await runCli(['frobnicate'])
    expect(r.code).toBe(1)
    expect(r.lines[0]).toMatchObject({ error: { code: 'invalid-args' } })
  })
})

describe('cli backup / restore', () => {
  const peopleIn = (file: string) => {
    const d = openDb(file)
    try {
      return (d.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n
    } finally {
      d.close()
    }
  }

  it('backs up a healthy database, refuses a damaged one, and restores a backup keeping the damaged file aside', async () => {
    const dir = join(work, 'backup-restore')
    const file = join(dir, 'hadir.db')
    const d = openDb(file)
    d.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES ('E1', 'Ani', 1, 1), ('E2', 'Budi', 1, 1)`).run()
    d.close()

    const b = await runCli(['backup', '--db', file])
    expect(b.code, b.stderr).toBe(0)
    const made = b.lines[0] as { backup: { file: string; at: number; bytes: number }; kept: Array<{ file: string }> }
    expect(made.backup.file).toMatch(new RegExp(`^${join(dir, 'backups')}/hadir-\\d{8}-\\d{6}\\.db$`))
    expect(made.backup.bytes).toBeGreaterThan(0)
    expect(made.kept.map((k) => k.file)).toEqual([made.backup.file])
    expect(peopleIn(made.backup.file)).toBe(2)

    // the database is damaged: no backup of it, restore the good one
    const garbage = Buffer.from('not a database '.repeat(300))
    writeFileSync(file, garbage)
    const refused = await runCli(['backup', '--db', file])
    expect(refused.code).toBe(1)
    expect(refused.lines[0]).toMatchObject({ error: { code: 'db-corrupt' } })
    expect(refused.stderr).toContain(`npm run cli -- restore ${made.backup.file} --db ${file}`)
    expect(readdirSync(join(dir, 'backups'))).toHaveLength(1)

    // a damaged backup is refused and nothing changes
    const badBackup = join(dir, 'backups', 'hadir-20200101-000000.db')
    writeFileSync(badBackup, 'junk')
    const no = await runCli(['restore', badBackup, '--db', file])
    expect(no.code).toBe(1)
    expect(no.lines[0]).toMatchObject({ error: { code: 'db-corrupt', message: expect.stringContaining('nothing was changed') } })
    expect(readFileSync(file).equals(garbage)).toBe(true)

    const r = await runCli(['restore', made.backup.file, '--db', file])
    expect(r.code, r.stderr).toBe(0)
    const restored = r.lines[0] as { restored: string; db: string; movedAside: string[] }
    expect(restored).toMatchObject({ restored: made.backup.file, db: file })
    expect(restored.movedAside[0]).toMatch(/hadir\.db\.damaged-\d{8}-\d{6}$/)
    expect(readFileSync(restored.movedAside[0] as string).equals(garbage)).toBe(true)
    expect(peopleIn(file)).toBe(2)
    expect(existsSync(made.backup.file)).toBe(true)
  })

  it('restore and backup need their arguments', async () => {
    expect((await runCli(['restore'])).lines[0]).toMatchObject({ error: { code: 'invalid-args' } })
    expect((await runCli(['backup', '--db', join(work, 'nowhere', 'hadir.db')])).lines[0]).toMatchObject({ error: { code: 'not-found' } })
  })
})

describe('cli admin set-pin and pair (the machine owner sets up the kiosk)', () => {
  it('sets the first PIN from stdin, 6 digits at least, sealed; replaces a forgotten one (audited); pairing codes work once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hadir-cli-admin-'))
    const file = join(dir, 'hadir.db')
    try {
      const short = await runCli(['admin', 'set-pin', '--db', file], {}, '1234\n')
      expect(short.code).toBe(1)
      expect(short.lines[0]).toMatchObject({ error: { code: 'pin-too-short' } })
      const set = await runCli(['admin', 'set-pin', '--db', file], {}, '135790\n')
      expect(set.code, set.stderr).toBe(0)
      expect(set.lines[0]).toEqual({ pinSet: true })
      expect(set.stdout + set.stderr).not.toContain('135790')
      const again = await runCli(['admin', 'set-pin', '--db', file], {}, '246802\n')
      expect(again.code, again.stderr).toBe(0)
      const pair = await runCli(['pair', '--db', file])
      expect(pair.code, pair.stderr).toBe(0)
      const { code, expiresAt } = pair.lines[0] as { code: string; expiresAt: number }
      expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/)
      expect(expiresAt).toBeGreaterThan(Date.now())

      const { createApp } = await import('../server/create-app')
      const { embeddingModelTag, recognitionConfig } = await import('../server/models/manifest')
      const app = createApp({ dbFile: file, hostKind: 'web', modelBaseUrl: '', wasmBaseUrl: '', embeddingModel: embeddingModelTag(), recognition: recognitionConfig() })
      try {
        // the PIN is sealed (never in clear), the reset audited; the old PIN no longer opens admin mode
        const pinRow = app.db.prepare("SELECT value FROM settings WHERE key = 'admin.pin'").get() as { value: string }
        expect(Object.keys(JSON.parse(pinRow.value) as object)).toEqual(['sealed'])
        expect(app.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'admin.pin%' ORDER BY id").all()).toEqual([{ action: 'admin.pin-set' }, { action: 'admin.pin-reset' }])
        expect(await app.dispatch('admin/login', { pin: '135790' }, { transport: 'ipc' })).toMatchObject({ ok: false, error: { code: 'pin-wrong' } })
        expect(await app.dispatch('admin/login', { pin: '246802' }, { transport: 'ipc' })).toMatchObject({ ok: true })
        // the CLI's code pairs one page of a host on this database, once
        expect(await app.dispatch('kiosk/pair', { code }, { transport: 'http' })).toMatchObject({ ok: true, data: { session: expect.any(String) } })
        expect(await app.dispatch('kiosk/pair', { code }, { transport: 'http' })).toMatchObject({ ok: false, error: { code: 'pair-code-used' } })
      } finally {
        app.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
