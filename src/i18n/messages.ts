/** UI languages. Bahasa Indonesia is the default where the OS locale is Indonesian. */
export type Lang = 'id' | 'en'

const id = {
  'state.loading': 'Memuat model pengenal wajah…',
  'state.looking': 'Silakan menghadap kamera',
  'state.no-camera': 'Kamera tidak ditemukan. Periksa kabel kamera.',
  'state.camera-refused': 'Akses kamera ditolak. Izinkan kamera untuk aplikasi ini.',
  'state.camera-lost': 'Kamera terputus. Menyambungkan kembali…',
  'state.model-error': 'Model pengenal wajah tidak dapat dimuat',
  'state.not-recognised': 'Wajah tidak dikenali',
  'state.not-recognised.hint': 'Hubungi admin untuk pendaftaran wajah',
  'state.one-at-a-time': 'Satu orang saja di depan kamera',
  'state.server-error': 'Tidak dapat menyimpan kehadiran',
  'state.disk-full': 'Penyimpanan penuh: kehadiran tidak dapat disimpan. Hubungi administrator.',
  'state.verifying': 'Memverifikasi…',
  'quality.too-small': 'Mendekatlah ke kamera',
  'quality.too-near': 'Mundur sedikit dari kamera',
  'quality.blurred': 'Diam sebentar, gambar kabur',
  'quality.too-dark': 'Terlalu gelap, tambah cahaya',
  'quality.too-bright': 'Terlalu terang',
  'quality.backlit': 'Cahaya di belakang Anda terlalu terang',
  'quality.head-turned': 'Hadapkan wajah lurus ke kamera',
  'quality.eyes-closed': 'Buka mata Anda',
  'quality.cut-off': 'Posisikan wajah di tengah layar',
  'quality.several-faces': 'Satu orang saja di depan kamera',
  'refused.spoof_detected': 'Wajah asli diperlukan: foto atau layar tidak diterima',
  'refused.liveness_uncertain': 'Wajah asli belum dapat dipastikan. Coba lagi',
  'refused.quality_low': 'Kualitas gambar kurang. Coba lagi',
  'refused.challenge_failed': 'Verifikasi tidak berhasil. Coba lagi',
  'refused.timeout': 'Waktu habis. Coba lagi',
  'challenge.blink': 'Kedipkan mata Anda',
  'challenge.turn-left': 'Tolehkan kepala ke kiri',
  'challenge.turn-right': 'Tolehkan kepala ke kanan',
  'challenge.retry': 'Sekali lagi:',
  'greeting.morning': 'Selamat pagi',
  'greeting.midday': 'Selamat siang',
  'greeting.afternoon': 'Selamat sore',
  'greeting.evening': 'Selamat malam',
  'direction.in': 'Masuk',
  'direction.out': 'Pulang',
  'already': 'Sudah tercatat pukul {time}',
  'bye': 'Sampai jumpa',
  'out.at': 'Pulang pukul {time}',
  'in.at': 'Masuk pukul {time}',
  'hours.today': '{hours} hari ini',
  'already.in': 'Sudah tercatat: masuk pukul {time}',
  'already.out': 'Sudah tercatat: pulang pukul {time}',
  'change.out.title': '{name}, pulang sekarang?',
  'change.in.title': '{name}, masuk lagi?',
  'change.since.in': 'Anda masuk pukul {time}',
  'change.since.out': 'Anda pulang pukul {time}',
  'change.yes.out': 'Ya, pulang',
  'change.yes.in': 'Ya, masuk',
  'change.no': 'Tidak',
  'refused.use-pin': 'Atau gunakan PIN Anda',
  'refused.spoof-hint': 'Berdirilah sendiri di depan kamera. Bila ini keliru, hubungi admin',
  'refused.try-again': 'Lepas kacamata gelap atau masker, menghadap lurus ke kamera, lalu coba lagi',
  'not-recognised.use-pin': 'Gunakan PIN Anda, atau hubungi admin untuk pendaftaran wajah',
  'title': 'Hadir',
  'ask.title': '{name}, masuk atau pulang?',
  'ask.in': 'Masuk',
  'ask.out': 'Pulang',
  'state.ask-direction': 'Pilih masuk atau pulang',
  'state.ask-expired': 'Waktu memilih habis. Silakan menghadap kamera lagi',
  'recent.title': 'Tercatat terakhir',
  'status.offline': 'Tidak terhubung: kehadiran tetap disimpan di perangkat ini',
  'status.paused': 'Mode admin',
  'sync.online': 'HR terhubung',
  'sync.offline': 'HR tidak terhubung',
  'sync.error': 'HR bermasalah',
  'sync.queued': '{n} menunggu dikirim',
  'sync.parked': '{n} ditolak HR',
  'sync.last': 'terakhir {time}',
  'pairing.title': 'Kios ini belum terhubung',
  'pairing.lead': 'Halaman ini tidak dapat mencatat kehadiran sebelum terhubung dengan layanan kios di komputer ini.',
  'pairing.how': 'Buka alamat yang ditampilkan saat kios dijalankan (npm start atau npm run start:web), yang berakhiran #pair=…; setiap alamat hanya berlaku sekali.',
  'pairing.cli': 'Atau, di komputer ini, jalankan perintah berikut dan buka alamat yang ditampilkannya:',
  'pairing.pair-code-used': 'Alamat ini sudah pernah dipakai untuk menghubungkan sebuah halaman.',
  'pairing.pair-code-invalid': 'Kode penghubung pada alamat ini tidak berlaku (salah ketik, kedaluwarsa, atau dari kios lain).',
  'privacy.title': 'Privasi',
} as const

export type MessageKey = keyof typeof id

const en: Record<MessageKey, string> = {
  'state.loading': 'Loading face recognition models…',
  'state.looking': 'Please face the camera',
  'state.no-camera': 'No camera found. Check the camera cable.',
  'state.camera-refused': 'Camera access was refused. Allow the camera for this app.',
  'state.camera-lost': 'Camera disconnected. Reconnecting…',
  'state.model-error': 'Face recognition models could not be loaded',
  'state.not-recognised': 'Face not recognised',
  'state.not-recognised.hint': 'Ask an admin to enroll your face',
  'state.one-at-a-time': 'One person at a time, please',
  'state.server-error': 'Could not save attendance',
  'state.disk-full': 'Storage is full: attendance cannot be saved. Call the administrator.',
  'state.verifying': 'Verifying…',
  'quality.too-small': 'Come closer to the camera',
  'quality.too-near': 'Step back a little',
  'quality.blurred': 'Hold still, the picture is blurred',
  'quality.too-dark': 'Too dark: more light, please',
  'quality.too-bright': 'Too bright',
  'quality.backlit': 'Too much light behind you',
  'quality.head-turned': 'Face the camera straight on',
  'quality.eyes-closed': 'Please open your eyes',
  'quality.cut-off': 'Move your face into the middle of the screen',
  'quality.several-faces': 'One person at a time, please',
  'refused.spoof_detected': 'A real face is needed: photos and screens are not accepted',
  'refused.liveness_uncertain': 'Could not confirm a live face. Please try again',
  'refused.quality_low': 'The picture is not good enough. Please try again',
  'refused.challenge_failed': 'The check did not pass. Please try again',
  'refused.timeout': 'Time is up. Please try again',
  'challenge.blink': 'Please blink',
  'challenge.turn-left': 'Turn your head to the left',
  'challenge.turn-right': 'Turn your head to the right',
  'challenge.retry': 'Once more:',
  'greeting.morning': 'Good morning',
  'greeting.midday': 'Good afternoon',
  'greeting.afternoon': 'Good afternoon',
  'greeting.evening': 'Good evening',
  'direction.in': 'Check-in',
  'direction.out': 'Check-out',
  'already': 'Already recorded at {time}',
  'bye': 'Goodbye',
  'out.at': 'Checked out at {time}',
  'in.at': 'Checked in at {time}',
  'hours.today': '{hours} today',
  'already.in': 'Already recorded: checked in at {time}',
  'already.out': 'Already recorded: checked out at {time}',
  'change.out.title': '{name}, check out now?',
  'change.in.title': '{name}, check in again?',
  'change.since.in': 'You checked in at {time}',
  'change.since.out': 'You checked out at {time}',
  'change.yes.out': 'Yes, check out',
  'change.yes.in': 'Yes, check in',
  'change.no': 'No',
  'refused.use-pin': 'Or use your PIN',
  'refused.spoof-hint': 'Stand in front of the camera yourself. If this is wrong, ask an admin',
  'refused.try-again': 'Take off dark glasses or a mask, face the camera straight on, then try again',
  'not-recognised.use-pin': 'Use your PIN, or ask an admin to enroll your face',
  'title': 'Hadir',
  'ask.title': '{name}, checking in or out?',
  'ask.in': 'Check-in',
  'ask.out': 'Check-out',
  'state.ask-direction': 'Choose check-in or check-out',
  'state.ask-expired': 'Time to choose is up. Please face the camera again',
  'recent.title': 'Recent scans',
  'status.offline': 'Not connected: attendance is still saved on this device',
  'status.paused': 'Admin mode',
  'sync.online': 'HR connected',
  'sync.offline': 'HR offline',
  'sync.error': 'HR problem',
  'sync.queued': '{n} waiting to send',
  'sync.parked': '{n} rejected by HR',
  'sync.last': 'last {time}',
  'pairing.title': 'This kiosk is not paired',
  'pairing.lead': 'This page cannot record attendance until it is paired with the kiosk service on this computer.',
  'pairing.how': 'Open the address printed when the kiosk started (npm start or npm run start:web), the one ending in #pair=…; each address works once.',
  'pairing.cli': 'Or, on this computer, run the command below and open the address it prints:',
  'pairing.pair-code-used': 'This address was already used to pair a page.',
  'pairing.pair-code-invalid': 'The pairing code in this address is not valid (mistyped, expired, or from another kiosk).',
  'privacy.title': 'Privacy',
}

const dictionaries: Record<Lang, Record<MessageKey, string>> = { id, en }

/** Translates `key`, filling `{name}` placeholders from `vars`. */
export function t(lang: Lang, key: MessageKey, vars: Record<string, string> = {}): string {
  return fillVars(dictionaries[lang][key], vars)
}

/** Fills `{name}` placeholders from `vars`; an unknown one stays as written. Shared by every catalogue. */
export function fillVars(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (vars[k] !== undefined ? String(vars[k]) : `{${k}}`))
}

/** Hours worked as '8 j 05 m' / '8 h 05 m' (whole minutes, as in the admin's summary). */
export function formatHours(ms: number, lang: Lang): string {
  const min = Math.max(0, Math.floor(ms / 60_000))
  const h = Math.floor(min / 60)
  const m = min % 60
  return lang === 'id' ? `${h} jam ${String(m).padStart(2, '0')} menit` : `${h} h ${String(m).padStart(2, '0')} min`
}

/** The greeting for a local hour: pagi until 11, siang until 15, sore until 18, then malam. */
export function greetingKey(hour: number): MessageKey {
  if (hour >= 4 && hour < 11) return 'greeting.morning'
  if (hour >= 11 && hour < 15) return 'greeting.midday'
  if (hour >= 15 && hour < 18) return 'greeting.afternoon'
  return 'greeting.evening'
}

/** Picks the UI language from a BCP-47 locale list: Indonesian (or Malay) → id, anything else → en. */
export function langFromLocales(locales: readonly string[]): Lang {
  const first = (locales[0] ?? 'id').toLowerCase()
  return first.startsWith('id') || first.startsWith('in') || first.startsWith('ms') ? 'id' : 'en'
}

/** HH:MM in 24-hour local time. */
export function formatTime(epochMs: number): string {
  const d = new Date(epochMs)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}
