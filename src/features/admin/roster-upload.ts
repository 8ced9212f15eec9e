/**
 * A roster file as people/import-roster's arguments: the bytes in base64, CSV gzip-compressed first
 * (CompressionStream, in Chromium and Electron) so 20,000 rows fit the web host's 1 MiB request; an
 * .xlsx is already compressed and goes as it is.
 */
export type RosterArgs = { fileName: string; data: string; encoding?: 'gzip' }

/** Roster files a photo folder may hold at its top, imported before the photos (not .txt: notes are common there). */
export const ROSTER_IN_FOLDER = /\.(csv|xlsx)$/i

/** A file at the top of a picked folder ('photos/karyawan.csv'), not inside a person's folder. */
export const atFolderTop = (relativePath: string): boolean => relativePath.split('/').filter(Boolean).length <= 2

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = ''
  const CHUNK = 0x8000
  for (let i = 0; i < bytes.length; i += CHUNK) bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  return btoa(bin)
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

export async function rosterArgs(file: Blob, fileName: string): Promise<RosterArgs> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  const isXlsx = bytes[0] === 0x50 && bytes[1] === 0x4b
  if (isXlsx || typeof CompressionStream === 'undefined') return { fileName, data: bytesToBase64(bytes) }
  return { fileName, data: bytesToBase64(await gzip(bytes)), encoding: 'gzip' }
}
