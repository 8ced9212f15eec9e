/**
 * Electron's data key: kept by the OS keychain through safeStorage, in `<userData>/hadir.key.enc`.
 * Call after `app.whenReady()` (safeStorage needs it on Windows and Linux) and pass the result to
 * createApp({ dataKey }).
 */
import path from 'node:path'
import { safeStorage } from 'electron'
import { keychainDataKey, type KeychainKeyOptions } from '../server/secrets/keychain-key'

export const ELECTRON_KEY_FILE = 'hadir.key.enc'

/**
 * The 32-byte data key, created on first use. Refuses to run (HadirError 'data-key-missing') when
 * safeStorage.isEncryptionAvailable() is false, or on Linux when only the 'basic_text' stand-in exists;
 * 'data-key-wrong' when the file cannot be decrypted by this user's keychain.
 */
export function electronDataKey(userDataDir: string, opts: Omit<KeychainKeyOptions, 'platform'> = {}): Buffer {
  return keychainDataKey(path.join(userDataDir, ELECTRON_KEY_FILE), safeStorage, opts)
}
