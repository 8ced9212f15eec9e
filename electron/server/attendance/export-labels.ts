/**
 * The words of attendance exports (headers and cell words) in the two UI languages. They live in the
 * core because the files are built here; the keys are the stable column names.
 */
import type { ExportLang } from '../../../src/shared/api/contract'

const id = {
  employee_id: 'ID karyawan',
  name: 'Nama',
  department: 'Departemen',
  work_day: 'Hari kerja',
  direction: 'Arah',
  time: 'Waktu',
  source: 'Sumber',
  similarity: 'Kemiripan',
  late_minutes: 'Terlambat (menit)',
  early_minutes: 'Pulang cepat (menit)',
  open_past_limit: 'Tanpa pulang (lewat batas)',
  reason: 'Alasan',
  corrects: 'Mengoreksi',
  schedule: 'Jadwal',
  first_in: 'Masuk pertama',
  last_out: 'Pulang terakhir',
  hours: 'Jam kerja',
  hours_decimal: 'Jam kerja (desimal)',
  events: 'Catatan',
  incomplete: 'Tidak lengkap',
  'word.in': 'Masuk',
  'word.out': 'Pulang',
  'word.yes': 'Ya',
  'word.no': 'Tidak',
  'source.kiosk': 'Kiosk',
  'source.cli': 'Skrip',
  'source.manual': 'Manual',
  'source.pin': 'PIN',
  'source.badge': 'Kartu + PIN',
  'sheet.events': 'Kehadiran',
  'sheet.summary': 'Ringkasan',
  'file.events': 'kehadiran',
  'file.summary': 'ringkasan',
} as const

export type ExportWord = keyof typeof id

const en: Record<ExportWord, string> = {
  employee_id: 'Employee ID',
  name: 'Name',
  department: 'Department',
  work_day: 'Work day',
  direction: 'Direction',
  time: 'Time',
  source: 'Source',
  similarity: 'Similarity',
  late_minutes: 'Late (minutes)',
  early_minutes: 'Left early (minutes)',
  open_past_limit: 'No check-out (past limit)',
  reason: 'Reason',
  corrects: 'Corrects',
  schedule: 'Schedule',
  first_in: 'First in',
  last_out: 'Last out',
  hours: 'Hours worked',
  hours_decimal: 'Hours (decimal)',
  events: 'Events',
  incomplete: 'Incomplete',
  'word.in': 'In',
  'word.out': 'Out',
  'word.yes': 'Yes',
  'word.no': 'No',
  'source.kiosk': 'Kiosk',
  'source.cli': 'Script',
  'source.manual': 'Manual',
  'source.pin': 'PIN',
  'source.badge': 'Badge + PIN',
  'sheet.events': 'Attendance',
  'sheet.summary': 'Summary',
  'file.events': 'attendance',
  'file.summary': 'summary',
}

/** Both catalogues, for tests (same keys). */
export const EXPORT_WORDS: Readonly<Record<ExportLang, Readonly<Record<ExportWord, string>>>> = { id, en }

export const exportWord = (lang: ExportLang, key: ExportWord): string => EXPORT_WORDS[lang][key]

/** The decimal mark of a language: Indonesian writes 0,5; English 0.5. */
export const decimalMark = (lang: ExportLang): ',' | '.' => (lang === 'id' ? ',' : '.')

/** The CSV separator Excel expects with that language's regional settings: ';' where the decimal mark is a comma. */
export const defaultSeparator = (lang: ExportLang): ',' | ';' => (decimalMark(lang) === ',' ? ';' : ',')
