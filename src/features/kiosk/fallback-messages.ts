/** The kiosk's PIN pad and badge texts, Bahasa Indonesia and English (same pattern as src/i18n/messages.ts). */
import { fillVars, formatTime, type Lang } from '../../i18n/messages'

const id = {
  'fb.open': 'Masukkan PIN',
  'fb.open.sub': 'jika wajah tidak dikenali',
  'fb.id.title': 'Masukkan ID karyawan',
  'fb.id.hint': 'atau tempelkan kartu Anda pada pembaca',
  'fb.id.hint.pin': 'lalu PIN Anda',
  'fb.pin.title': 'Masukkan PIN Anda',
  'fb.pin.for': 'PIN untuk {name}',
  'fb.pin.badge': 'Kartu terbaca. Masukkan PIN Anda',
  'fb.pin.hint': '4–8 angka',
  'fb.next': 'Lanjut',
  'fb.ok': 'OK',
  'fb.cancel': 'Batal',
  'fb.clear': 'Hapus',
  'fb.back': 'Hapus satu',
  'fb.in': 'Masuk',
  'fb.out': 'Pulang',
  'fb.choose': 'Masuk atau pulang?',
  'fb.sending': 'Memeriksa…',
  'fb.recorded': 'Terima kasih, {name}',
  'fb.recorded.sub': '{direction} pukul {time} · dicatat tanpa wajah, akan diperiksa admin',
  'fb.recorded.face': '{direction} pukul {time}',
  'fb.already': '{name}: sudah tercatat pukul {time}',
  'err.pin-format': 'PIN harus 4 sampai 8 angka',
  'err.pin-wrong': 'PIN salah. Sisa {n} kali percobaan',
  'err.pin-locked': 'PIN terkunci karena salah 3 kali. Coba lagi pukul {time}',
  'err.person-unknown': 'ID karyawan tidak dikenal',
  'err.person-pin-not-set': 'Anda belum punya PIN. Hubungi admin',
  'err.badge-unknown': 'Kartu ini tidak terdaftar. Hubungi admin',
  'err.badge-format': 'Kartu tidak terbaca dengan benar. Tempelkan lagi',
  'err.badge-flood': 'Pembaca kartu mengirim terlalu banyak data. Tempelkan lagi',
  'err.badge-off': 'Kartu tidak dipakai di kios ini. Masukkan ID karyawan',
  'err.fallback-off': 'PIN tidak dipakai di kios ini. Silakan menghadap kamera',
  'err.rate-limited': 'Terlalu banyak percobaan. Tunggu {s} detik',
  'err.not-found': 'Waktu habis. Silakan menghadap kamera lagi',
  'err.other': 'Tidak dapat mencatat kehadiran ({code})',
} as const

export type FallbackMessageKey = keyof typeof id

const en: Record<FallbackMessageKey, string> = {
  'fb.open': 'Enter PIN',
  'fb.open.sub': 'if your face is not recognised',
  'fb.id.title': 'Enter your employee id',
  'fb.id.hint': 'or hold your badge to the reader',
  'fb.id.hint.pin': 'then your PIN',
  'fb.pin.title': 'Enter your PIN',
  'fb.pin.for': 'PIN for {name}',
  'fb.pin.badge': 'Badge read. Enter your PIN',
  'fb.pin.hint': '4–8 digits',
  'fb.next': 'Next',
  'fb.ok': 'OK',
  'fb.cancel': 'Cancel',
  'fb.clear': 'Clear',
  'fb.back': 'Delete one',
  'fb.in': 'Check-in',
  'fb.out': 'Check-out',
  'fb.choose': 'Checking in or out?',
  'fb.sending': 'Checking…',
  'fb.recorded': 'Thank you, {name}',
  'fb.recorded.sub': '{direction} at {time} · recorded without the face, an admin will review it',
  'fb.recorded.face': '{direction} at {time}',
  'fb.already': '{name}: already recorded at {time}',
  'err.pin-format': 'The PIN is 4 to 8 digits',
  'err.pin-wrong': 'Wrong PIN. {n} tries left',
  'err.pin-locked': 'PIN locked after 3 wrong tries. Try again at {time}',
  'err.person-unknown': 'Unknown employee id',
  'err.person-pin-not-set': 'You have no PIN yet. Ask the admin',
  'err.badge-unknown': 'This badge is not registered. Ask the admin',
  'err.badge-format': 'The badge was not read correctly. Hold it to the reader again',
  'err.badge-flood': 'The badge reader sent too much. Hold the badge to it again',
  'err.badge-off': 'Badges are not used at this kiosk. Enter your employee id',
  'err.fallback-off': 'PINs are not used at this kiosk. Please face the camera',
  'err.rate-limited': 'Too many tries. Wait {s} seconds',
  'err.not-found': 'Time is up. Please face the camera again',
  'err.other': 'Could not record attendance ({code})',
}

const dictionaries: Record<Lang, Record<FallbackMessageKey, string>> = { id, en }

export const FALLBACK_MESSAGES = dictionaries

export function tf(lang: Lang, key: FallbackMessageKey, vars: Record<string, string | number> = {}): string {
  return fillVars(dictionaries[lang][key], vars)
}

const KNOWN = new Set<string>([
  'pin-format',
  'pin-wrong',
  'pin-locked',
  'person-unknown',
  'person-pin-not-set',
  'badge-unknown',
  'badge-format',
  'badge-flood',
  'badge-off',
  'fallback-off',
  'rate-limited',
  'not-found',
])

/** A lock's end to the minute, rounded up (never shown as over before it is). */
const hhmm = (at: number): string => formatTime(Math.ceil(at / 60_000) * 60_000)

/** The message for an error code (the UI branches on the code, never on the host's message). */
export function fallbackError(lang: Lang, code: string, details: Record<string, unknown> | undefined = {}): string {
  if (!KNOWN.has(code)) return tf(lang, 'err.other', { code })
  const vars: Record<string, string | number> = {}
  if (typeof details.triesLeft === 'number') vars.n = details.triesLeft
  if (typeof details.lockedUntil === 'number') vars.time = hhmm(details.lockedUntil)
  if (typeof details.retryAfterMs === 'number') vars.s = Math.ceil(details.retryAfterMs / 1000)
  return tf(lang, `err.${code}` as FallbackMessageKey, vars)
}
