import { describe, expect, it } from 'vitest'
import type { Diagnostics } from '../../shared/api/contract'
import type { AuditEntry } from '../../shared/domain/types'
import { buildSupportBundle, numericFigures } from './support-bundle'

const DIAG: Diagnostics = {
  appVersion: '0.1.0',
  hostKind: 'web',
  kioskId: 'k1',
  embeddingModel: { modelId: 'fr', modelVersion: '1', dim: 512 },
  models: [{ id: 'fr', file: 'fr_feature.onnx', sha256: 'ab'.repeat(32), bytes: 1000 }],
  counts: { people: 1, activePeople: 1, templates: 3, events: 10, auditEntries: 60 },
  outbox: { pending: 0, oldestPendingAt: null },
  lastSync: null,
  disk: { path: '/data', freeBytes: 5e9, totalBytes: 1e10 },
  db: { sizeBytes: 100_000, schemaVersion: 40 },
  now: 0,
  timeZone: 'Asia/Jakarta',
}

const audit: AuditEntry[] = Array.from({ length: 60 }, (_, i) => ({
  id: i,
  at: 1_000 + i,
  actor: 'admin',
  action: 'people/update',
  subject: `p${i}`,
  details: { hrKey: 'SECRET', embedding: [0.1, 0.2] },
}))

describe('support bundle', () => {
  it('holds diagnostics, renderer info and the last 50 audit rows as action/at/actor only', () => {
    const now = new Date(2026, 4, 7, 10, 0).getTime()
    const renderer = { userAgent: 'x', screen: { width: 1280, height: 800, devicePixelRatio: 1 }, camera: null, performance: { lastDecisionMs: 420 } }
    const b = buildSupportBundle(DIAG, renderer, audit, now)
    expect(b.filename).toBe('hadir-support-2026-05-07.json')
    const parsed = JSON.parse(b.json) as { audit: Array<Record<string, unknown>>; diagnostics: Diagnostics; renderer: unknown }
    expect(parsed.diagnostics).toEqual(DIAG)
    expect(parsed.renderer).toEqual(renderer)
    expect(parsed.audit).toHaveLength(50)
    expect(parsed.audit[0]).toEqual({ at: 1_059, actor: 'admin', action: 'people/update' })
    expect(b.json).not.toContain('SECRET')
    expect(b.json).not.toContain('"embedding"')
    expect(b.json).not.toContain('"subject"')
  })
  it('keeps only finite numbers of a figures record', () => {
    expect(numericFigures({ fps: 9.5, stage: 'x', nan: NaN, ms: 12 })).toEqual({ fps: 9.5, ms: 12 })
    expect(numericFigures(null)).toEqual({})
  })
})
