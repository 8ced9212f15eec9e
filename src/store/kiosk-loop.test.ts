/**
 * The kiosk loop's lifecycle: one owned object per app, started once. Driven through the real HTTP
 * transport against a 127.0.0.1 port nobody listens on (a host that is down), so the loop ends at
 * its first step and no camera or model is needed.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createApiClient } from '../api/api-client'
import { createHttpTransport } from '../api/transport.http'
import { KioskLoop } from './kiosk-loop'
import { useKioskStore } from './kiosk-store'

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

const noVideo = {} as HTMLVideoElement
/** never reached in these tests: the loop stops before it loads models or opens a camera */
const deps = { loadVision: () => Promise.reject(new Error('not here')), openWebcam: () => Promise.reject(new Error('not here')) }

describe('KioskLoop', () => {
  it('a loop whose host is down says so on screen and ends stopped; it does not start twice', async () => {
    const api = createApiClient(createHttpTransport({ baseUrl: `http://127.0.0.1:${await closedPort()}` }))
    const loop = new KioskLoop(api, deps)
    expect(loop.lifecycle).toBe('new')
    const started = loop.start(noVideo, () => {})
    // a second start while the first runs is refused at once, not queued
    await expect(loop.start(noVideo, () => {})).rejects.toThrow(/starts once/)
    await started
    expect(loop.lifecycle).toBe('stopped')
    expect(useKioskStore.getState().phase).toBe('server-error')
    expect(useKioskStore.getState().detail).toMatch(/Cannot reach the Hadir host/)
    await expect(loop.start(noVideo, () => {})).rejects.toThrow(/stopped/)
    expect(loop.vision).toBeNull()
    expect(loop.camera).toBeNull()
  })

  it('pause and resume belong to one loop: another loop is not paused by it', () => {
    const api = createApiClient(createHttpTransport({ baseUrl: 'http://127.0.0.1:9' }))
    const a = new KioskLoop(api, deps)
    const b = new KioskLoop(api, deps)
    a.pause()
    expect(a.isPaused).toBe(true)
    expect(b.isPaused).toBe(false)
    a.resume()
    expect(a.isPaused).toBe(false)
    b.stop()
    expect(b.lifecycle).toBe('stopped')
  })
})
