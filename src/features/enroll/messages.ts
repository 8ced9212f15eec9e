import { fillVars, type Lang } from '../../i18n/messages'

/** Words of the enrollment and photo import panels (Bahasa Indonesia and English). */
const id = {
  'enroll.title': 'Pendaftaran wajah: {name}',
  'enroll.step.frontal': 'Lihat lurus ke kamera',
  'enroll.step.left': 'Tolehkan kepala sedikit ke kiri',
  'enroll.step.right': 'Tolehkan kepala sedikit ke kanan',
  'enroll.step.up': 'Angkat dagu sedikit',
  'enroll.hold': 'Tahan… {n}',
  'enroll.no-face': 'Tidak ada wajah di kamera',
  'enroll.several-faces': 'Satu orang saja di depan kamera',
  'enroll.not-live': 'Wajah asli diperlukan (bukan foto atau layar)',
  'enroll.wrong-pose': 'Ikuti arahan posisi kepala',
  'enroll.same-picture': 'Gambar sama dengan sebelumnya: bergerak sedikit',
  'enroll.captured': '{n} dari {min}–{max} wajah tersimpan',
  'enroll.skip': 'Lewati posisi ini',
  'enroll.finish': 'Selesai',
  'enroll.cancel': 'Batal',
  'enroll.done': 'Pendaftaran selesai: {n} wajah tersimpan untuk {name}',
  'enroll.no-camera': 'Kamera tidak tersedia',
  'enroll.loading': 'Model belum siap',
  'enroll.col.pose': 'Posisi',
  'enroll.col.quality': 'Kualitas',
  'enroll.col.size': 'Ukuran',
  'enroll.col.sharp': 'Ketajaman',
  'enroll.col.light': 'Cahaya',
  'enroll.col.angle': 'Sudut',
  'enroll.col.live': 'Liveness',
  'import.title': 'Impor foto',
  'import.title-folder': 'Impor folder: <id-karyawan>/*.jpg',
  'import.pick': 'Pilih foto',
  'import.pick-folder': 'Pilih folder',
  'import.drop': 'atau seret foto ke sini',
  'import.running': 'Memproses {i} dari {n}…',
  'import.summary': '{ok} foto ditambahkan, {bad} ditolak',
  'import.close': 'Tutup',
  'import.col.file': 'Berkas',
  'import.col.person': 'Karyawan',
  'import.col.result': 'Hasil',
  'import.ok': 'Ditambahkan',
  'import.created': 'Karyawan baru {id} dibuat dari nama folder',
  'err.duplicate-face': 'Wajah ini sudah terdaftar sebagai {name} ({id}): tidak disimpan',
  'err.not-found': 'Karyawan {id} tidak ada lagi (mungkin dihapus di layar lain): tidak disimpan',
  'err.no-face': 'Tidak ada wajah di foto',
  'err.multiple-faces': 'Beberapa wajah di foto, tidak ada yang dominan',
  'err.photo-mismatch': 'Tampaknya orang lain: tidak cocok dengan {file} (kemiripan {similarity}); tidak disimpan',
  'err.image-unreadable': 'Bukan gambar yang dapat dibaca',
  'err.image-too-large': 'Gambar terlalu besar (maks. 25 MB / 60 MP)',
  'err.quality': 'Kualitas kurang: {reasons}',
  'err.admin-required': 'Mode admin berakhir: masukkan PIN lagi',
  'err.other': 'Gagal: {message}',
  'err.consent-required': 'Belum ada persetujuan pemrosesan wajah: centang persetujuan dan isi nama admin',
} as const

export type EnrollMessageKey = keyof typeof id

const en: Record<EnrollMessageKey, string> = {
  'enroll.title': 'Face enrollment: {name}',
  'enroll.step.frontal': 'Look straight at the camera',
  'enroll.step.left': 'Turn your head slightly to the left',
  'enroll.step.right': 'Turn your head slightly to the right',
  'enroll.step.up': 'Raise your chin slightly',
  'enroll.hold': 'Hold it… {n}',
  'enroll.no-face': 'No face in the camera',
  'enroll.several-faces': 'One person at a time, please',
  'enroll.not-live': 'A real face is needed (not a photo or a screen)',
  'enroll.wrong-pose': 'Follow the head position prompt',
  'enroll.same-picture': 'Same picture as before: move a little',
  'enroll.captured': '{n} of {min}–{max} faces stored',
  'enroll.skip': 'Skip this pose',
  'enroll.finish': 'Finish',
  'enroll.cancel': 'Cancel',
  'enroll.done': 'Enrollment complete: {n} faces stored for {name}',
  'enroll.no-camera': 'The camera is not available',
  'enroll.loading': 'The models are not ready yet',
  'enroll.col.pose': 'Pose',
  'enroll.col.quality': 'Quality',
  'enroll.col.size': 'Size',
  'enroll.col.sharp': 'Sharpness',
  'enroll.col.light': 'Light',
  'enroll.col.angle': 'Angle',
  'enroll.col.live': 'Liveness',
  'import.title': 'Import photos',
  'import.title-folder': 'Import a folder: <employee-id>/*.jpg',
  'import.pick': 'Choose photos',
  'import.pick-folder': 'Choose a folder',
  'import.drop': 'or drop photos here',
  'import.running': 'Processing {i} of {n}…',
  'import.summary': '{ok} photos added, {bad} refused',
  'import.close': 'Close',
  'import.col.file': 'File',
  'import.col.person': 'Employee',
  'import.col.result': 'Result',
  'import.ok': 'Added',
  'import.created': 'New employee {id} created from the folder name',
  'err.duplicate-face': 'This face is already enrolled as {name} ({id}): not stored',
  'err.not-found': 'Employee {id} no longer exists (deleted on another screen?): not stored',
  'err.no-face': 'No face in the photo',
  'err.multiple-faces': 'Several faces in the photo, none dominant',
  'err.photo-mismatch': 'Looks like someone else: does not match {file} (similarity {similarity}); not stored',
  'err.image-unreadable': 'Not a readable image',
  'err.image-too-large': 'Image too large (max 25 MB / 60 MP)',
  'err.quality': 'Quality too low: {reasons}',
  'err.admin-required': 'Admin mode ended: enter the PIN again',
  'err.other': 'Failed: {message}',
  'err.consent-required': 'No consent to face processing on file: tick the consent and enter the admin name',
}

const dictionaries: Record<Lang, Record<EnrollMessageKey, string>> = { id, en }

export function te(lang: Lang, key: EnrollMessageKey, vars: Record<string, string | number> = {}): string {
  return fillVars(dictionaries[lang][key], vars)
}

/** Words for an API or pipeline error code (branch on the code, never on the message). */
export function errorText(lang: Lang, e: { code: string; message: string; details?: Record<string, unknown> }, personId?: string): string {
  const d = e.details ?? {}
  switch (e.code) {
    case 'duplicate-face':
      return te(lang, 'err.duplicate-face', { name: String(d['name'] ?? d['personId'] ?? '?'), id: String(d['personId'] ?? '?') })
    case 'photo-mismatch':
      return te(lang, 'err.photo-mismatch', { file: String(d['matchedAgainst'] ?? '?'), similarity: String(d['similarity'] ?? '?') })
    case 'not-found':
      return te(lang, 'err.not-found', { id: String(d['personId'] ?? personId ?? '?') })
    case 'no-face':
    case 'multiple-faces':
    case 'image-unreadable':
    case 'image-too-large':
    case 'admin-required':
    case 'consent-required':
      return te(lang, `err.${e.code}`)
    default:
      return te(lang, 'err.other', { message: e.message })
  }
}
