/**
 * A roster file as people/import-roster's arguments: the bytes in base64, CSV gzip-compressed first
 * (CompressionStream, in Chromium and Electron) so 20,000 rows fit the web host's 1 MiB request; an
 * .xlsx is already compressed and goes as it is.
 */
export type RosterArgs = { fileName: string; data: string; encoding?: 'gzip' }

/** Roster files the admin can pick or put in a photo folder. */
export const ROSTER_FILE = /\.(csv|txt|xlsx)$/i

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
