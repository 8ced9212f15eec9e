/**
 * Privacy on the kiosk screen (issue #12 item 4, UU PDP — Indonesia's Law 27 of 2022 on personal data
 * protection, which names biometric data as specific personal data). Pure: used by the core (the
 * recent list it answers) and the UI (the notice).
 */

/** What the kiosk's recent list shows of each person: the name, the initials, or no list at all. */
export type RecentDisplay = 'names' | 'initials' | 'none'
export const RECENT_DISPLAYS: readonly RecentDisplay[] = ['names', 'initials', 'none']
export const DEFAULT_RECENT_DISPLAY: RecentDisplay = 'initials'

/** The notice shown on the kiosk when an admin has not written one. */
export const DEFAULT_PRIVACY_NOTICE: { id: string; en: string } = {
  id: 'Kamera ini memproses wajah Anda untuk mencatat kehadiran. Data biometrik adalah data pribadi spesifik (UU No. 27/2022 tentang Pelindungan Data Pribadi): hanya diproses dengan persetujuan Anda, disimpan terenkripsi di perangkat ini, tanpa menyimpan foto. Anda dapat menarik persetujuan melalui admin.',
  en: 'This camera processes your face to record attendance. Biometric data is specific personal data (Indonesian Law No. 27/2022 on Personal Data Protection): it is processed only with your consent, stored encrypted on this device, and no photo is kept. You can withdraw consent through the admin.',
}

/** Longest notice text an admin may set, per language. */
export const MAX_PRIVACY_NOTICE_CHARS = 600

/**
 * The initials of a name: the first letter of its first and last word, upper case ("Siti Nur
 * Aisyah" → "S.A.", "Budi" → "B."). Letters outside A–Z (é, ç) are kept; no word gives "?".
 */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/u).filter((w) => /\p{L}|\p{N}/u.test(w))
  if (words.length === 0) return '?'
  const first = (w: string): string => {
    const ch = [...w].find((c) => /\p{L}|\p{N}/u.test(c)) ?? '?'
    return ch.toLocaleUpperCase('id')
  }
  const picked = words.length === 1 ? [words[0] as string] : [words[0] as string, words[words.length - 1] as string]
  return picked.map((w) => `${first(w)}.`).join('')
}
