import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp, type CreateAppOptions } from './create-app'
import { TEST_MODEL, testRecognition } from './testing/fixtures'

let tmp: string
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-app-'))
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

const opts = (over: Partial<CreateAppOptions> = {}): CreateAppOptions => ({
  dbFile: path.join(tmp, 'hadir.db'),
  hostKind: 'web',
  modelBaseUrl: '/models/',
  wasmBaseUrl: '/wasm/',
  embeddingModel: { ...TEST_MODEL },
  recognition: testRecognition(0.5),
  locale: 'id',
  now: () => 1_000,
  ...over,
})
const emb = (embedding: number[], modelVersion: string = TEST_MODEL.modelVersion) => ({ modelId: TEST_MODEL.modelId, modelVersion, embedding })

describe('createApp', () => {
  it('rebuilds the index from stored templates of its model only, and keeps the kiosk id', async () => {
    const a = createApp(opts())
    await a.dispatch('people/upsert', { id: 'E1', name: 'Ani' })
    expect(await a.dispatch('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: 'test admin' })).toMatchObject({ ok: true })
    const kioskId = a.kioskId
    a.close()
    a.close() // idempotent

    const b = createApp(opts())
    expect(b.kioskId).toBe(kioskId)
    expect(b.index.size).toBe(1)
    expect(await b.dispatch('recognition/identify', emb([1, 0, 0, 0]))).toMatchObject({ ok: true, data: { decision: 'match', personId: 'E1' } })
    expect(await b.dispatch('host/info', {})).toEqual({
      ok: true,
      data: {
        kind: 'web',
        version: '0.0.0-dev',
        modelBaseUrl: '/models/',
        wasmBaseUrl: '/wasm/',
        locale: 'id',
        embeddingModel: { ...TEST_MODEL },
        cooldownMs: 60_000,
      },
    })
    b.close()

    const c = createApp(opts({ embeddingModel: { ...TEST_MODEL, modelVersion: '2' } }))
    expect(c.index.size).toBe(0)
    // templates of version 1 are not used by a version-2 index: nobody is enrolled for it
    expect(await c.dispatch('recognition/identify', emb([1, 0, 0, 0], '2'))).toMatchObject({ ok: false, error: { code: 'empty-gallery' } })
    expect(await c.dispatch('people/list', {})).toMatchObject({ ok: true, data: [{ id: 'E1', templates: 0, needsReenrollment: true }] })
    expect(await c.dispatch('recognition/identify', emb([1, 0, 0, 0]))).toMatchObject({ ok: false, error: { code: 'model-mismatch' } })
    c.close()
  })

  it('rejects a bad threshold and surfaces db-not-writable', () => {
    expect(() => createApp(opts({ recognition: { ...testRecognition(0.5), thresholds: { normal: 1.5, high: 0.6, 'very-high': 0.7 } } }))).toThrow(RangeError)
    fs.writeFileSync(path.join(tmp, 'file'), '')
    expect(() => createApp(opts({ dbFile: path.join(tmp, 'file', 'hadir.db') }))).toThrow(expect.objectContaining({ code: 'db-not-writable' }))
  })
})
