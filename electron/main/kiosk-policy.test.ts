import { describe, expect, it } from 'vitest'
import { isBlockedShortcut, kioskWindowOptions, RendererWatchdog, RestartBudget, type KeyInput } from './kiosk-policy'

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({ type: 'keyDown', key: k, control: false, alt: false, meta: false, shift: false, ...mods })

describe('isBlockedShortcut', () => {
  it('blocks closing, reloading, devtools, zoom and leaving full screen; keeps typing and the admin shortcut', () => {
    for (const k of [key('F4', { alt: true }), key('w', { control: true }), key('q', { meta: true }), key('r', { control: true }), key('F5'), key('F11'), key('F12'), key('I', { control: true, shift: true }), key('+', { control: true }), key('Tab', { alt: true })]) {
      expect(isBlockedShortcut(k), JSON.stringify(k)).toBe(true)
    }
    for (const k of [key('a'), key('1'), key('Backspace'), key('Enter'), key('A', { control: true, shift: true }), key('Escape')]) {
      expect(isBlockedShortcut(k), JSON.stringify(k)).toBe(false)
    }
    expect(isBlockedShortcut({ ...key('F4', { alt: true }), type: 'keyUp' })).toBe(false)
  })
})

describe('kioskWindowOptions', () => {
  it('is a locked-down, sandboxed kiosk window in production and a normal window in development', () => {
    const prod = kioskWindowOptions({ preload: '/p.cjs', dev: false })
    expect(prod).toMatchObject({ kiosk: true, fullscreen: true, frame: false, closable: false })
    expect(prod.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false, devTools: false })
    expect(kioskWindowOptions({ preload: '/p.cjs', dev: true })).toMatchObject({ kiosk: false, frame: true, closable: true })
  })
})

describe('RestartBudget', () => {
  it('allows 5 restarts in 5 minutes, then refuses until the window has passed', () => {
    const b = new RestartBudget(5, 300_000)
    for (let i = 0; i < 5; i++) expect(b.allow(i * 1000)).toBe(true)
    expect(b.allow(6000)).toBe(false)
    expect(b.allow(400_000)).toBe(true)
  })
})

/** Manual timers: `advance(ms)` runs what falls due, in order. */
function manualTimers() {
  let now = 0
  let seq = 0
  const queue = new Map<number, { at: number; fn: () => void }>()
  return {
    setTimeout: (fn: () => void, ms: number) => {
      const id = ++seq
      queue.set(id, { at: now + ms, fn })
      return id
    },
    clearTimeout: (h: unknown) => void queue.delete(h as number),
    async advance(ms: number) {
      const end = now + ms
      for (;;) {
        const next = [...queue.entries()].sort((a, b) => a[1].at - b[1].at)[0]
        if (!next || next[1].at > end) break
        queue.delete(next[0])
        now = next[1].at
        next[1].fn()
        await new Promise((r) => setImmediate(r))
      }
      now = end
    },
  }
}

describe('RendererWatchdog', () => {
  it('restarts a renderer whose ping is not answered in time, not one that answers', async () => {
    const t = manualTimers()
    const restarts: string[] = []
    let hang = false
    const w = new RendererWatchdog(() => (hang ? new Promise(() => {}) : Promise.resolve(1)), (r) => restarts.push(r), { everyMs: 1000, timeoutMs: 500 }, t)
    w.start()
    await t.advance(5000)
    expect(restarts).toEqual([])
    hang = true
    await t.advance(1600)
    expect(restarts).toEqual(['ping-timeout'])
    w.stop()
  })

  it("restarts after 'unresponsive' without 'responsive' within the timeout; not when it recovers", async () => {
    const t = manualTimers()
    const restarts: string[] = []
    const w = new RendererWatchdog(() => Promise.resolve(1), (r) => restarts.push(r), { everyMs: 60_000, timeoutMs: 500 }, t)
    w.start()
    w.unresponsive()
    await t.advance(300)
    w.responsive()
    await t.advance(1000)
    expect(restarts).toEqual([])
    w.unresponsive()
    await t.advance(600)
    expect(restarts).toEqual(['unresponsive'])
    w.stop()
  })
})
