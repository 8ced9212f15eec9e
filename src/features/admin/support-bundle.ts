import type { Diagnostics } from '../../shared/api/contract'
import type { AuditEntry } from '../../shared/domain/types'
import { localDateString } from './dates'

/** What the renderer knows that the host does not. */
export type RendererInfo = {
  userAgent: string
  screen: { width: number; height: number; devicePixelRatio: number }
  camera: { label: string; width: number | null; height: number | null; frameRate: number | null } | null
  /** the kiosk's own figures (ms), when the kiosk store offers them */
  performance: Record<string, number>
}

/** Audit rows in the bundle: what happened and when, never a subject's details. */
export type BundleAuditRow = Pick<AuditEntry, 'at' | 'actor' | 'action'>

export type SupportBundle = {
  kind: 'hadir-support-bundle'
  createdAt: string
  diagnostics: Diagnostics
  renderer: RendererInfo
  audit: BundleAuditRow[]
}

export const BUNDLE_AUDIT_ROWS = 50

/**
 * The support bundle: host diagnostics, renderer figures and the last 50 audit rows reduced to
 * action / at / actor. No embeddings, images, HR key or audit details go in.
 */
export function buildSupportBundle(diagnostics: Diagnostics, renderer: RendererInfo, audit: readonly AuditEntry[], now: number): { filename: string; json: string } {
  const newestFirst = [...audit].sort((a, b) => b.at - a.at).slice(0, BUNDLE_AUDIT_ROWS)
  const bundle: SupportBundle = {
    kind: 'hadir-support-bundle',
    createdAt: new Date(now).toISOString(),
    diagnostics,
    renderer,
    audit: newestFirst.map((e) => ({ at: e.at, actor: e.actor, action: e.action })),
  }
  return { filename: `hadir-support-${localDateString(now)}.json`, json: JSON.stringify(bundle, null, 2) }
}

/** Numeric figures of an unknown object (e.g. the kiosk store's performance record), others dropped. */
export function numericFigures(value: unknown): Record<string, number> {
  const out: Record<string, number> = {}
  if (!value || typeof value !== 'object') return out
  for (const [k, v] of Object.entries(value)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v
  return out
}
