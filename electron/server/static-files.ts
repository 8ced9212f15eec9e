/**
 * Static files of the kiosk (renderer build, models, wasm) by URL path, for both hosts: the web
 * host's HTTP server and Electron's app:// protocol. Path traversal is impossible (resolve + prefix
 * check + realpath, symlinks included).
 */
import fs from 'node:fs'
import path from 'node:path'

/**
 * Headers that keep every page of the kiosk out of another page's frame (clickjacking) and its URL
 * out of Referer headers. The web host and Electron's app:// protocol both send them.
 */
export const FRAME_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
}

/** Every header Electron's app:// protocol sends with a file: cross-origin isolation (threaded wasm), type, framing. */
export function appProtocolHeaders(file: string): Record<string, string> {
  return {
    'Content-Type': contentTypeFor(file),
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    ...FRAME_HEADERS,
  }
}

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
}

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

export type StaticDirs = {
  /** built renderer (index.html + assets) */
  rendererDir: string
  /** served at /models/ */
  modelsDir: string
  /** served at /wasm/<name>/ */
  wasmDirs: Record<string, string>
}

export type FileTarget = { file: string; size: number } | null

/**
 * Resolves `urlPath` (already percent-decoded, '/'-separated) inside `root`.
 * Returns null for anything outside root (`..`, absolute paths, NUL, symlinks leading out) or not a file.
 */
export function resolveInside(root: string, urlPath: string): FileTarget {
  if (urlPath.includes('\0')) return null
  let realRoot: string
  try {
    realRoot = fs.realpathSync(path.resolve(root))
  } catch {
    return null
  }
  const candidate = path.resolve(realRoot, `.${path.sep}${urlPath.replace(/^[/\\]+/, '')}`)
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep)
  if (!inside(candidate)) return null
  try {
    const real = fs.realpathSync(candidate)
    if (!inside(real)) return null
    const st = fs.statSync(real)
    if (!st.isFile()) return null
    return { file: real, size: st.size }
  } catch {
    return null
  }
}

/**
 * Maps a percent-decoded URL path to a served file, or null: /models/* from modelsDir,
 * /wasm/<name>/* from wasmDirs[name], else the renderer (index.html for '/' and extension-less routes).
 * Path traversal is impossible (resolve + prefix check + realpath). Shared with Electron's app:// protocol.
 */
export function resolveStaticPath(dirs: StaticDirs, pathname: string): FileTarget {
  if (pathname.startsWith('/models/')) return resolveInside(dirs.modelsDir, pathname.slice('/models/'.length))
  if (pathname.startsWith('/wasm/')) {
    const rest = pathname.slice('/wasm/'.length)
    const slash = rest.indexOf('/')
    const name = slash < 0 ? rest : rest.slice(0, slash)
    if (slash > 0 && Object.hasOwn(dirs.wasmDirs, name)) return resolveInside(dirs.wasmDirs[name] as string, rest.slice(slash + 1))
    return null
  }
  const target = pathname === '/' ? null : resolveInside(dirs.rendererDir, pathname)
  if (!target && (pathname === '/' || path.posix.extname(pathname) === '')) return resolveInside(dirs.rendererDir, 'index.html')
  return target
}

