import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger, formatLine, redact } from './logger'

let tmp: string
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-log-'))
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as Record<string, unknown>)

describe('logger', () => {
  it('writes JSON lines {t, level, msg, ...fields}; t/level/msg cannot be overridden', () => {
    const logger = createLogger({ dir: path.join(tmp, 'logs'), stderr: false, now: () => Date.UTC(2026, 0, 5, 1, 2, 3) })
    logger.info('host started', { url: 'http://127.0.0.1:1/', port: 1 })
    logger.error('request failed', { err: Object.assign(new Error('boom'), { code: 'SQLITE_FULL' }), level: 'debug', msg: 'x' })
    logger.debug('not shown at info')
    logger.close()
    const got = lines(path.join(tmp, 'logs', 'hadir.log'))
    expect(got).toHaveLength(2)
    expect(got[0]).toEqual({ t: '2026-01-05T01:02:03.000Z', level: 'info', msg: 'host started', url: 'http://127.0.0.1:1/', port: 1 })
    expect(got[1]).toMatchObject({ level: 'error', msg: 'request failed', err: { name: 'Error', message: 'boom', code: 'SQLITE_FULL' } })
  })

  it('never logs biometric data or secrets: named fields at any depth and long number arrays are dropped', () => {
    const embedding = Array.from({ length: 512 }, (_, i) => i / 512)
    const fields = redact({
      personId: 'E1',
      embedding,
      Embeddings: [embedding],
      template: 'x',
      templates: [1],
      pin: '1234',
      hrKey: 'secret',
      key: 'k',
      token: 't',
      image: 'data:image/png;base64,AAAA',
      photo: Buffer.from('jpeg'),
      frame: { width: 640 },
      nested: { deeper: { vector: embedding, f32: new Float32Array(128), ok: [1, 2, 3], bytes: new Uint8Array(8), token: 'x' } },
      list: [{ pin: '9' }, embedding, 'kept'],
      short: new Float32Array([0.5, 0.25]),
    })
    expect(fields).toEqual({ personId: 'E1', nested: { deeper: { ok: [1, 2, 3] } }, list: [{}, 'kept'], short: [0.5, 0.25] })
    const line = formatLine('info', 'enrolled', { embedding, personId: 'E1' })
    expect(line).not.toContain('0.001953125')
    expect(JSON.parse(line)).toMatchObject({ msg: 'enrolled', personId: 'E1' })
    expect(JSON.parse(line)).not.toHaveProperty('embedding')
  })

  it('survives cycles, bigints and non-finite numbers', () => {
    const a: Record<string, unknown> = { n: 10n, inf: Infinity }
    a['self'] = a
    expect(redact({ a })).toEqual({ a: { n: '10', inf: 'Infinity', self: '[circular]' } })
  })

  it('rotates at maxBytes keeping N files (hadir.log.1 … hadir.log.N)', () => {
    const dir = path.join(tmp, 'logs')
    const logger = createLogger({ dir, stderr: false, maxBytes: 1000, keep: 3 })
    for (let i = 0; i < 100; i++) logger.info('line', { i, pad: 'x'.repeat(60) })
    logger.close()
    expect(fs.readdirSync(dir).sort()).toEqual(['hadir.log', 'hadir.log.1', 'hadir.log.2', 'hadir.log.3'])
    for (const f of fs.readdirSync(dir)) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(1000)
    // newest in hadir.log, older ones in .1, .2, .3; the very oldest are gone
    const last = lines(path.join(dir, 'hadir.log')).at(-1)
    expect(last).toMatchObject({ i: 99 })
    const i1 = lines(path.join(dir, 'hadir.log.1')).at(-1)?.['i'] as number
    const i3 = lines(path.join(dir, 'hadir.log.3'))[0]?.['i'] as number
    expect(i1).toBeLessThan(99)
    expect(i3).toBeLessThan(i1)
    expect(i3).toBeGreaterThan(0)
  })

  it('appends to an existing log across restarts, and a folder that cannot be written only loses lines', () => {
    const dir = path.join(tmp, 'logs')
    const a = createLogger({ dir, stderr: false })
    a.info('one')
    a.close()
    const b = createLogger({ dir, stderr: false })
    b.info('two')
    b.close()
    expect(lines(path.join(dir, 'hadir.log')).map((l) => l['msg'])).toEqual(['one', 'two'])
    const blocker = path.join(tmp, 'file')
    fs.writeFileSync(blocker, 'x')
    const c = createLogger({ dir: path.join(blocker, 'logs'), stderr: false })
    expect(() => c.error('lost')).not.toThrow()
  })
})
