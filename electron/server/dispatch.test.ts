import { afterEach, describe, expect, it, vi } from 'vitest'
import { API_METHODS } from '../../src/shared/api/contract'
import { HadirError } from '../../src/shared/api/result'
import { dispatch } from './dispatch'
import type { ServerHandlers } from './handlers'

/** Handlers where every method does what `impl` says. */
function handlersWith(impl: () => unknown): ServerHandlers {
  const h = {} as Record<string, unknown>
  for (const m of API_METHODS) {
    h[m] = impl
  }
  return h as ServerHandlers
}
const ctx = { transport: 'direct' as const }

describe('dispatch', () => {
  afterEach(() => vi.restoreAllMocks())

  it('wraps a result', async () => {
    const h = handlersWith(() => [{ id: 'x' }])
    expect(await dispatch(h, 'people/list', {}, ctx)).toEqual({ ok: true, data: [{ id: 'x' }] })
  })

  it('passes the validated args (unknown keys dropped) and ctx', async () => {
    const seen: unknown[] = []
    const h = handlersWith(() => null)
    h['people/upsert'] = (args, c) => {
      seen.push(args, c)
      return { id: args.id, name: args.name, department: null, active: true, templates: 0, needsReenrollment: false, createdAt: 0, updatedAt: 0 }
    }
    await dispatch(h, 'people/upsert', { id: ' E1 ', name: 'Ani', evil: 1 } as never, ctx)
    expect(seen).toEqual([{ id: 'E1', name: 'Ani' }, ctx])
  })

  it('HadirError → its code, message and details', async () => {
    const h = handlersWith(() => {
      throw new HadirError('not-found', 'nobody', { personId: 'E9' })
    })
    expect(await dispatch(h, 'people/list', {}, ctx)).toEqual({ ok: false, error: { code: 'not-found', message: 'nobody', details: { personId: 'E9' } } })
  })

  it('TypeError → internal, stack logged to stderr', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = handlersWith(() => {
      throw new TypeError('x is undefined')
    })
    const res = await dispatch(h, 'people/list', {}, ctx)
    expect(res).toEqual({ ok: false, error: { code: 'internal', message: 'x is undefined' } })
    expect(spy).toHaveBeenCalledTimes(1)
    expect(String(spy.mock.calls[0]?.[0])).toMatch(/people\/list: TypeError: x is undefined\n\s+at /)
  })

  it('rejected promise → error result, not a rejection', async () => {
    const h = handlersWith(() => Promise.reject(new HadirError('disk-full', 'full')))
    await expect(dispatch(h, 'people/list', {}, ctx)).resolves.toEqual({ ok: false, error: { code: 'disk-full', message: 'full' } })
  })

  it('non-Error throw → internal with its string', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = handlersWith(() => {
      throw 'just a string'
    })
    expect(await dispatch(h, 'people/list', {}, ctx)).toEqual({ ok: false, error: { code: 'internal', message: 'just a string' } })
  })

  it('unknown method, prototype keys and non-string methods → unknown-method', async () => {
    const h = handlersWith(() => 1)
    for (const m of ['people/explode', '__proto__', 'constructor', 'toString', ''] as string[]) {
      expect(await dispatch(h, m, {}, ctx)).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
    }
    expect(await dispatch(h, 42 as unknown as string, {}, ctx)).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
  })

  it('malformed args → invalid-args, handler never runs', async () => {
    const impl = vi.fn(() => 1)
    const h = handlersWith(impl)
    const cases: Array<[string, unknown]> = [
      ['people/upsert', undefined],
      ['people/upsert', { id: '', name: 'x' }],
      ['people/upsert', { id: 'a\u0000b', name: 'x' }],
      ['people/upsert', { id: 'x'.repeat(65), name: 'x' }],
      ['people/upsert', [1, 2]],
      ['people/delete', { personId: 5 }],
      ['people/list', { activeOnly: 'yes' }],
      ['people/list', 'str'],
      ['attendance/list', { limit: 0 }],
      ['attendance/list', { limit: 1.5 }],
      ['attendance/list', { from: 10, to: 5 }],
      ['attendance/list', { from: 'yesterday' }],
      ['kiosk/recognize', { modelId: 'm', modelVersion: '1', embeddings: [[]] }],
      ['kiosk/recognize', { modelId: 'm', modelVersion: '1', embeddings: [new Array(5000).fill(0.1)] }],
      ['kiosk/recognize', { modelId: 'm', modelVersion: '1', embeddings: [[1, null]] }],
      ['kiosk/recognize', { modelVersion: '1', embeddings: [[1]] }],
      ['kiosk/recognize', { modelId: 'm', modelVersion: '1', embeddings: new Array(11).fill([1]) }],
      ['kiosk/recognize', { modelId: 'm', modelVersion: '1', embedding: [1] }],
      ['recognition/identify', { modelId: 'm', modelVersion: '1', embedding: [1], level: 'max' }],
      ['enrollment/add-template', { modelId: 'm', modelVersion: '1', embedding: [1], personId: 'E1', quality: 2 }],
      ['host/info', 7],
    ]
    for (const [m, a] of cases) {
      const res = await dispatch(h, m, a, ctx)
      expect(res, `${m} ${JSON.stringify(a)?.slice(0, 60)}`).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    }
    expect(impl).not.toHaveBeenCalled()
  })

  it('accepts missing args for methods whose args are all optional', async () => {
    const h = handlersWith(() => 'fine')
    expect(await dispatch(h, 'people/list', undefined, ctx)).toEqual({ ok: true, data: 'fine' })
    expect(await dispatch(h, 'attendance/list', null, ctx)).toEqual({ ok: true, data: 'fine' })
    expect(await dispatch(h, 'host/info', undefined, ctx)).toEqual({ ok: true, data: 'fine' })
  })
})
