/**
 * The protocol documents say what the kiosk and the reference server do (issue #14): every answer,
 * errors included, is signed in the OpenAPI file; ids, ordering and Retry-After are stated as they are.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..', '..', '..')
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown }

type Response = { $ref?: string; headers?: Record<string, unknown> }
type Spec = { paths: Record<string, Record<string, { responses: Record<string, Response> }>>; components: { responses: Record<string, Response> } }

describe('docs/hr-sync.openapi.yaml', () => {
  it('declares the signature headers on every response of every endpoint, 2xx or not', () => {
    const spec = yaml.load(readFileSync(resolve(ROOT, 'docs/hr-sync.openapi.yaml'), 'utf8')) as Spec
    const unsigned: string[] = []
    let n = 0
    for (const [p, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, r] of Object.entries(op.responses)) {
          n++
          const resolved = r.$ref ? spec.components.responses[r.$ref.split('/').pop() as string] : r
          for (const h of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) if (!resolved?.headers?.[h]) unsigned.push(`${method} ${p} ${status}: ${h}`)
        }
      }
    }
    expect(n).toBeGreaterThan(20)
    expect(unsigned).toEqual([])
  })
})

describe('docs/hr-sync-protocol.md', () => {
  // the prose as read: line breaks and emphasis marks do not matter
  const doc = readFileSync(resolve(ROOT, 'docs/hr-sync-protocol.md'), 'utf8').replace(/\*\*/g, '').replace(/\s+/g, ' ')
  it('states the ordering rule, the id format and the Retry-After rule the kiosk follows', () => {
    expect(doc).toContain('never delivered before HR has accepted the event it refers to')
    expect(doc).toContain('`<uuid>:void`')
    expect(doc).toContain('an unsigned `Retry-After` is ignored')
    expect(doc).not.toContain('on a 429 or 503 is honoured: the kiosk waits at least that long')
  })
})
