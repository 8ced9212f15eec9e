import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keychainDataKey, type SafeStorageLike } from './keychain-key'

/** A stand-in for Electron's safeStorage: AES-256-GCM under a per-"account" secret. */
function fakeKeychain(opts: { available?: boolean; backend?: string } = {}): SafeStorageLike & { calls: number } {
  const secret = randomBytes(32)
  const kc = {
    calls: 0,
    isEncryptionAvailable: () => opts.available ?? true,
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
    encryptString(plain: string): Buffer {
      kc.calls++
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', secret, iv)
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return Buffer.concat([iv, body, c.getAuthTag()])
    },
    decryptString(enc: Buffer): string {
      const d = createDecipheriv('aes-256-gcm', secret, enc.subarray(0, 12))
      d.setAuthTag(enc.subarray(enc.byteLength - 16))
      return Buffer.concat([d.update(enc.subarray(12, enc.byteLength - 16)), d.final()]).toString('utf8')
    },
  }
  return kc
}

let tmp: string
let file: string
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-kc-'))
  file = path.join(tmp, 'hadir.key.enc')
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('keychainDataKey (Electron safeStorage)', () => {
  it('creates the key once, stores it only encrypted by the keychain, and reads it back', () => {
    const kc = fakeKeychain()
    const key = keychainDataKey(file, kc, { platform: 'linux' })
    expect(key.byteLength).toBe(32)
    const stored = fs.readFileSync(file)
    expect(stored.includes(Buffer.from(key.toString('base64')))).toBe(false)
    expect(stored.includes(key)).toBe(false)
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(keychainDataKey(file, kc, { platform: 'linux' }).equals(key)).toBe(true)
    expect(kc.calls).toBe(1)
  })

  it('refuses to run without a keychain, or with Linux’s basic_text stand-in, and writes nothing', () => {
    expect(() => keychainDataKey(file, fakeKeychain({ available: false }), { platform: 'win32' })).toThrow(
      expect.objectContaining({ code: 'data-key-missing', message: expect.stringContaining('keychain is not available') }),
    )
    expect(() => keychainDataKey(file, fakeKeychain({ backend: 'basic_text' }), { platform: 'linux' })).toThrow(
      expect.objectContaining({ code: 'data-key-missing', message: expect.stringContaining('basic_text') }),
    )
    expect(fs.existsSync(file)).toBe(false)
    // an explicit opt-in (a deliberate choice of the deployer) allows it
    expect(keychainDataKey(file, fakeKeychain({ backend: 'basic_text' }), { platform: 'linux', allowBasicText: true }).byteLength).toBe(32)
  })

  it('another account’s keychain, or a damaged file → data-key-wrong, the file kept', () => {
    keychainDataKey(file, fakeKeychain(), { platform: 'darwin' })
    const before = fs.readFileSync(file)
    expect(() => keychainDataKey(file, fakeKeychain(), { platform: 'darwin' })).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
    expect(fs.readFileSync(file).equals(before)).toBe(true)
    const kc = fakeKeychain()
    fs.writeFileSync(path.join(tmp, 'short.enc'), kc.encryptString('dG9vIHNob3J0'))
    expect(() => keychainDataKey(path.join(tmp, 'short.enc'), kc, { platform: 'darwin' })).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
  })
})
