/**
 * Security levels that follow the gallery size, through the real app (SQLite file, dispatcher): the
 * same probe matches a one-person gallery and is unknown once the gallery has grown, settings and
 * diagnostics show the thresholds and expectations of the current gallery.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Diagnostics, KioskSettings } from '../../../src/shared/api/contract'
import type { Identification } from '../../../src/shared/domain/types'
import type { ApiResult } from '../../../src/shared/api/result'
import type { ScoreTable } from '../../../src/shared/face/decide'
import { createApp } from '../create-app'
import { TEST_MODEL, testRecognition } from '../testing/fixtures'

// a steep synthetic tail: rate = 10^(-(t - 0.1) / 0.05)
const tail: Array<[number, number]> = []
for (let k = 4; k <= 48; k++) tail.push([10 ** (-k / 4), 0.1 + 0.05 * (k / 4)])
const scoreTable: ScoreTable = { modelId: TEST_MODEL.modelId, modelVersion: TEST_MODEL.modelVersion, targetFpir: { normal: 0.01, high: 0.001, 'very-high': 0.0001 }, impostorTail: tail, observedDownTo: 1e-6, genuineMiss: [[0.1, 0], [0.9, 1]] }

let tmp: string
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-levels-'))
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

function data<T>(r: ApiResult<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.data as T
}
const emb = (embedding: number[]) => ({ modelId: TEST_MODEL.modelId, modelVersion: TEST_MODEL.modelVersion, embedding })

describe('levels that follow the gallery size', () => {
  it('a probe at 0.21 matches one enrolled person at normal (threshold 0.20) and is unknown with three (0.224)', async () => {
    const app = createApp({ dbFile: path.join(tmp, 'hadir.db'), hostKind: 'web', modelBaseUrl: '/m/', wasmBaseUrl: '/w/', embeddingModel: { ...TEST_MODEL }, recognition: { ...testRecognition(0.5), scoreTable }, now: () => 1_000 })
    try {
      const probe = emb([0.21, Math.sqrt(1 - 0.21 ** 2), 0, 0])
      // empty gallery: a clear error, nothing matched
      expect(await app.dispatch('recognition/identify', probe)).toMatchObject({ ok: false, error: { code: 'empty-gallery' } })
      const diag0 = data<Diagnostics>(await app.dispatch('diagnostics/get', {}))
      expect(diag0.recognition).toMatchObject({ templates: 0, level: 'normal' })
      expect(diag0.recognition?.levels.every((l) => l.strangerAcceptance === 0 && l.missRate === 1)).toBe(true)

      await app.dispatch('people/upsert', { id: 'E1', name: 'Ani' })
      expect(await app.dispatch('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: 'test admin' })).toMatchObject({ ok: true })
      const one = data<Identification>(await app.dispatch('recognition/identify', probe))
      expect(one).toMatchObject({ decision: 'match', personId: 'E1' })
      expect(one.threshold).toBeCloseTo(0.2, 6)
      const s1 = data<KioskSettings>(await app.dispatch('settings/get', {}))
      expect(s1.galleryThresholds?.normal).toBeCloseTo(0.2, 6)
      expect(s1.thresholds.normal).toBe(0.5) // the fixed 1:1 threshold stays

      for (const [id, v] of [['E2', [0, 0, 1, 0]], ['E3', [0, 0, 0, 1]]] as const) {
        await app.dispatch('people/upsert', { id, name: id })
        expect(await app.dispatch('enrollment/add-template', { ...emb([...v]), personId: id, consentBy: 'test admin' })).toMatchObject({ ok: true })
      }
      const three = data<Identification>(await app.dispatch('recognition/identify', probe))
      expect(three).toMatchObject({ decision: 'unknown', reason: 'below-threshold' })
      expect(three.threshold).toBeCloseTo(0.1 + 0.05 * -Math.log10(1 - 0.99 ** (1 / 3)), 6)
      const diag3 = data<Diagnostics>(await app.dispatch('diagnostics/get', {}))
      expect(diag3.recognition?.templates).toBe(3)
      for (const l of diag3.recognition?.levels ?? []) expect(l.strangerAcceptance).toBeCloseTo(l.targetFpir as number, 6)
      const s3 = data<KioskSettings>(await app.dispatch('settings/get', {}))
      expect(s3.galleryThresholds?.normal).toBeGreaterThan(s1.galleryThresholds?.normal as number)
    } finally {
      app.close()
    }
  })
})
