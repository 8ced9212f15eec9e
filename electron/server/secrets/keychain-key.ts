/**
 * The data key kept by the OS keychain (Electron safeStorage: DPAPI on Windows, Keychain on macOS,
 * libsecret/kwallet on Linux): the 32 random bytes, encrypted by the keychain, in a file. The file alone
 * is useless on another machine or account. electron/main/data-key-electron.ts passes Electron's
 * safeStorage; tests pass a stand-in.
 */
import fs from 'node:fs'
import { HadirError } from '../../../src/shared/api/result'
import { encodeDataKey, newDataKey, parseDataKey, writeNewPrivateFile } from './data-key'

/** The part of Electron's `safeStorage` used here. */
export type SafeStorageLike = {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only */
  getSelectedStorageBackend?(): string
}

export type KeychainKeyOptions = {
  platform?: NodeJS.Platform
  /**
   * Linux without a keyring (backend 'basic_text') encrypts with a fixed, public password: no protection.
   * Refused unless this is true.
   */
  allowBasicText?: boolean
}

/**
 * The data key stored encrypted by `safe` in `file`, created on first use.
 * Throws 'data-key-missing' when the keychain is unavailable (or only the basic_text stand-in on Linux),
 * 'data-key-wrong' when the file cannot be decrypted by this keychain or is malformed.
 */
export function keychainDataKey(file: string, safe: SafeStorageLike, opts: KeychainKeyOptions = {}): Buffer {
  const platform = opts.platform ?? process.platform
  if (!safe.isEncryptionAvailable()) {
    throw new HadirError(
      'data-key-missing',
      'The OS keychain is not available, so the data key protecting face templates cannot be kept safely. ' +
        (platform === 'linux' ? 'Install and unlock a keyring (gnome-keyring / libsecret or KWallet) for this user, then start Hadir again.' : 'Log in to the desktop session of this user, then start Hadir again.'),
    )
  }
  if (platform === 'linux' && !opts.allowBasicText && safe.getSelectedStorageBackend?.() === 'basic_text') {
    throw new HadirError(
      'data-key-missing',
      'No keyring was found (Electron fell back to "basic_text", a fixed password that protects nothing). Install and unlock gnome-keyring (libsecret) or KWallet for this user, then start Hadir again.',
    )
  }
  if (!fs.existsSync(file)) {
    const key = newDataKey()
    if (writeNewPrivateFile(file, safe.encryptString(encodeDataKey(key).trim()), platform)) return key
    key.fill(0)
  }
  let text: string
  try {
    text = safe.decryptString(fs.readFileSync(file))
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err)
    throw new HadirError(
      'data-key-wrong',
      `The data key ${file} cannot be decrypted by this user's OS keychain (${why}): it comes from another account or machine, or the keychain was reset. Restore the keychain, or the data folder, from backup.`,
      { path: file },
    )
  }
  return parseDataKey(text, file)
}
