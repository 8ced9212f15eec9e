import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKeyFile, keyFileFor, loadOrCreateKeyFile, readKeyFile } from './data-key'

const posix = process.platform !== 'win32'
let tmp: string
let file: string
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-key-'))
  file = path.join(tmp, 'hadir.key')
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('key file', () => {
  it('lives beside the database', () => {
    expect(keyFileFor(path.join(tmp, 'sub', 'hadir.db'))).toBe(path.join(tmp, 'sub', 'hadir.key'))
  })

  it('is created once with 32 random bytes in base64, mode 0600, and read back the same', () => {
    const first = loadOrCreateKeyFile(file, { create: true })
    expect(first.created).toBe(true)
    expect(first.key.byteLength).toBe(32)
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(first.key.toString('base64'))
    if (posix) expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    const again = loadOrCreateKeyFile(file, { create: true })
    expect(again).toEqual({ key: first.key, created: false })
    expect(fs.readdirSync(tmp)).toEqual(['hadir.key']) // no temporary file left behind
    // a second creator (another process starting at the same time) gets the existing key, not a new one
    expect(createKeyFile(file).equals(first.key)).toBe(true)
  })

  it('absent and not to be created → data-key-missing', () => {
    expect(() => loadOrCreateKeyFile(file, { create: false })).toThrow(expect.objectContaining({ code: 'data-key-missing' }))
    expect(() => readKeyFile(file)).toThrow(expect.objectContaining({ code: 'data-key-missing' }))
    expect(fs.existsSync(file)).toBe(false)
  })

  it.runIf(posix)('readable by group or others (chmod 0644 / 0640 / 0604) → data-key-wrong naming chmod 600', () => {
    createKeyFile(file)
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      fs.chmodSync(file, mode)
      expect(() => readKeyFile(file)).toThrow(expect.objectContaining({ code: 'data-key-wrong', message: expect.stringContaining('chmod 600') }))
    }
    fs.chmodSync(file, 0o600)
    expect(readKeyFile(file).byteLength).toBe(32)
  })

  it('truncated, padded, empty or not base64 → data-key-wrong', () => {
    createKeyFile(file)
    const good = fs.readFileSync(file, 'utf8').trim()
    for (const text of [good.slice(0, 20), `${good}AAAA`, '', 'not a key at all!', Buffer.alloc(32).toString('hex')]) {
      fs.writeFileSync(file, text, { mode: 0o600 })
      expect(() => readKeyFile(file), JSON.stringify(text)).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
    }
    fs.rmSync(file)
    fs.mkdirSync(file)
    expect(() => readKeyFile(file)).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
  })
})
