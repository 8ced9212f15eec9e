import type { CSSProperties } from 'react'
import type { HostInfo } from '../../shared/api/contract'
import { langFromLocales, type Lang } from '../../i18n/messages'

export type HostRecovery = NonNullable<HostInfo['recovery']>

const TEXT = {
  id: {
    title: {
      'db-corrupt': 'Basis data kehadiran rusak',
      'db-from-future': 'Basis data berasal dari versi Hadir yang lebih baru',
      'db-not-writable': 'Basis data tidak dapat ditulis',
    },
    lead: 'Kios ini tidak dapat mencatat kehadiran sampai administrator memperbaikinya.',
    what: 'Apa yang terjadi',
    file: 'Berkas basis data',
    backups: 'Cadangan yang tersedia',
    noBackups: 'Tidak ada cadangan di folder backups.',
    date: 'Tanggal',
    size: 'Ukuran',
    howTo: 'Cara memulihkan cadangan terakhir (di folder aplikasi Hadir, di komputer ini):',
    restart: 'Setelah itu, jalankan ulang kios.',
    notWritable: 'Jadikan folder data dapat ditulis (atau atur HADIR_DATA_DIR ke folder yang dapat ditulis), lalu jalankan ulang kios.',
    future: 'Pasang versi Hadir yang lebih baru, atau pulihkan cadangan yang dibuat oleh versi ini:',
    nothingDeleted: 'Tidak ada yang dihapus: berkas yang rusak tetap di tempatnya, dan pemulihan memindahkannya ke samping (hadir.db.damaged-…), tidak menghapusnya.',
  },
  en: {
    title: {
      'db-corrupt': 'The attendance database is damaged',
      'db-from-future': 'The database comes from a newer Hadir',
      'db-not-writable': 'The database cannot be written',
    },
    lead: 'This kiosk cannot record attendance until an administrator fixes it.',
    what: 'What is wrong',
    file: 'Database file',
    backups: 'Backups available',
    noBackups: 'There are no backups in the backups folder.',
    date: 'Date',
    size: 'Size',
    howTo: 'To restore the latest backup (in the Hadir app folder, on this computer):',
    restart: 'Then start the kiosk again.',
    notWritable: 'Make the data folder writable (or set HADIR_DATA_DIR to a writable folder), then start the kiosk again.',
    future: 'Install the newer Hadir, or restore a backup made by this version:',
    nothingDeleted: 'Nothing was deleted: the damaged file stays where it is, and a restore moves it aside (hadir.db.damaged-…) instead of deleting it.',
  },
} as const

function shellArg(p: string): string {
  return /^[\w@%+=:,./\\-]+$/.test(p) ? p : `"${p.replace(/(["\\$`])/g, '\\$1')}"`
}

/** The exact restore command for `backup` (same as the host's and the CLI's). */
export function restoreCommand(backup: string, dbFile: string): string {
  return `npm run cli -- restore ${shellArg(backup)} --db ${shellArg(dbFile)}`
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / (1024 * 1024)).toFixed(1)} MB`
}

function formatDate(at: number, lang: Lang): string {
  return new Date(at).toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

const S: Record<string, CSSProperties> = {
  main: { minHeight: '100vh', padding: '2rem 3rem', background: '#0f172a', color: '#f8fafc', overflow: 'auto', fontSize: '1.15rem', lineHeight: 1.5 },
  title: { fontSize: '2.2rem', margin: '0 0 0.5rem', color: '#fca5a5' },
  h2: { fontSize: '1.3rem', margin: '1.5rem 0 0.5rem' },
  pre: { background: '#1e293b', padding: '0.75rem 1rem', borderRadius: '0.5rem', whiteSpace: 'pre-wrap', wordBreak: 'break-all', userSelect: 'all' },
  table: { borderCollapse: 'collapse' },
  cell: { padding: '0.25rem 1.5rem 0.25rem 0', textAlign: 'left' },
  safe: { marginTop: '1.5rem', padding: '0.75rem 1rem', borderRadius: '0.5rem', background: '#14532d' },
}

/**
 * Shown instead of the kiosk when the host started in recovery mode (damaged, newer or unwritable
 * database): what is wrong, the backups, the exact command to restore one, and that nothing was deleted.
 * Language from the browser (id* → Bahasa Indonesia, else English).
 */
export function RecoveryScreen({ recovery, lang: forced }: { recovery: HostRecovery; lang?: Lang }) {
  const lang: Lang = forced ?? langFromLocales(typeof navigator === 'undefined' ? [] : navigator.languages)
  const tx = TEXT[lang]
  const latest = recovery.backups[0]
  const command = latest ? restoreCommand(latest.file, recovery.dbFile) : null
  return (
    <main className="recovery" data-testid="recovery" data-code={recovery.code} lang={lang} style={S.main}>
      <h1 style={S.title}>{tx.title[recovery.code]}</h1>
      <p>{tx.lead}</p>
      <h2 style={S.h2}>{tx.what}</h2>
      <p data-testid="recovery-message">{recovery.message}</p>
      <p>
        {tx.file}: <code data-testid="recovery-db-file">{recovery.dbFile}</code>
      </p>
      <h2 style={S.h2}>{tx.backups}</h2>
      {recovery.backups.length === 0 ? (
        <p data-testid="recovery-no-backups">{tx.noBackups}</p>
      ) : (
        <table style={S.table} data-testid="recovery-backups">
          <thead>
            <tr>
              <th style={S.cell}>{tx.date}</th>
              <th style={S.cell}>{tx.size}</th>
              <th style={S.cell}>File</th>
            </tr>
          </thead>
          <tbody>
            {recovery.backups.map((b) => (
              <tr key={b.file}>
                <td style={S.cell}>{formatDate(b.at, lang)}</td>
                <td style={S.cell}>{formatBytes(b.bytes)}</td>
                <td style={S.cell}>
                  <code>{b.file}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {recovery.code === 'db-not-writable' ? (
        <p>{tx.notWritable}</p>
      ) : command ? (
        <>
          <h2 style={S.h2}>{recovery.code === 'db-from-future' ? tx.future : tx.howTo}</h2>
          <pre style={S.pre} data-testid="recovery-command">
            {command}
          </pre>
          <p>{tx.restart}</p>
        </>
      ) : null}
      <p style={S.safe} data-testid="recovery-nothing-deleted">
        {tx.nothingDeleted}
      </p>
    </main>
  )
}
