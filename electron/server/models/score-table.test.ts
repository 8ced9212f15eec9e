/** The score table behind the security levels: read from models/, checked, refused when it is not this model's. */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { levelExpectations, levelThreshold } from '../../../src/shared/face/decide'
import { embeddingModelTag, modelsDir, readScoreTable, recognitionConfig, SCORE_TABLE_FILE } from './manifest'

const dirs: string[] = []
function modelsWith(table: unknown | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'hadir-table-'))
  dirs.push(dir)
  copyFileSync(join(modelsDir(), 'manifest.json'), join(dir, 'manifest.json'))
  if (table !== null) writeFileSync(join(dir, SCORE_TABLE_FILE), typeof table === 'string' ? table : JSON.stringify(table))
  return dir
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('models/fr-feature.score-table.json', () => {
  it('the shipped table is this model\'s, and its levels grow stricter with the gallery', () => {
    const cfg = recognitionConfig()
    expect(cfg.scoreTable?.modelVersion).toBe(embeddingModelTag().modelVersion)
    const ts = [1, 50, 5_000, 100_000].map((n) => levelThreshold(cfg, 'high', n))
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThan(ts[i - 1] as number)
    for (const l of levelExpectations(cfg, 400)) expect(l.strangerAcceptance).toBeCloseTo(l.targetFpir as number, 6)
  })

  it('no table: fixed thresholds; a table of another model, a broken or malformed one: model-corrupt', () => {
    expect(readScoreTable(modelsWith(null))).toBeNull()
    expect(recognitionConfig(modelsWith(null)).scoreTable).toBeUndefined()
    const good = JSON.parse(JSON.stringify(recognitionConfig().scoreTable)) as Record<string, unknown>
    expect(readScoreTable(modelsWith(good))).toMatchObject({ modelId: good['modelId'] })
    const bad = [{ ...good, modelVersion: 'other' }, '{not json', { ...good, targetFpir: { normal: 0.01, high: 0, 'very-high': 1e-4 } }, { ...good, impostorTail: [[1e-3, 0.5], [1e-2, 0.4]] }]
    for (const t of bad) expect(() => readScoreTable(modelsWith(t))).toThrow(expect.objectContaining({ code: 'model-corrupt' }))
  })
})
