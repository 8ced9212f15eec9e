/**
 * Kiosk-mode rules of the Electron shell that need no Electron to test: which key presses a
 * passer-by must not be able to use, the window's options, the renderer watchdog and the crash
 * restart budget. electron/main/index.ts applies them to the real window.
 */

/** A key press as Electron's `before-input-event` gives it. */
export type KeyInput = { type: string; key: string; code?: string; control: boolean; alt: boolean; meta: boolean; shift: boolean }

/**
 * Keys that would close, reload, zoom, print, open devtools or leave full screen. Blocked while the
 * kiosk runs (exit only through admin mode). Ctrl+Shift+A stays: it opens admin mode.
 */
export function isBlockedShortcut(i: KeyInput): boolean {
  if (i.type !== 'keyDown') return false
  const k = i.key.length === 1 ? i.key.toLowerCase() : i.key
  const ctrlOrMeta = i.control || i.meta
  if (i.alt && (k === 'F4' || k === 'Tab' || k === 'Escape' || k === ' ')) return true
  if (k === 'F11' || k === 'F12' || k === 'F5' || k === 'F1' || k === 'F3' || k === 'F7') return true
  if (i.meta && (k === 'q' || k === 'w' || k === 'h' || k === 'm')) return true
  if (ctrlOrMeta && ['w', 'q', 'r', 'n', 't', 'p', 'o', 's', 'f', 'g', 'u', 'j', 'l', '+', '-', '=', '0'].includes(k)) {
    // Ctrl+Shift+A (admin) is never blocked; every other Ctrl/Cmd combination above is
    return true
  }
  if (ctrlOrMeta && i.shift && (k === 'i' || k === 'j' || k === 'c' || k === 'r' || k === 'delete' || k === 'Delete')) return true
  return false
}

/** BrowserWindow options of the kiosk (see the Electron security checklist in README). */
export function kioskWindowOptions(opts: { preload: string; dev: boolean }) {
  return {
    fullscreen: !opts.dev,
    kiosk: !opts.dev,
    frame: opts.dev,
    autoHideMenuBar: true,
    closable: opts.dev,
    minimizable: opts.dev,
    backgroundColor: '#0f172a',
    show: false,
    webPreferences: {
      preload: opts.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
      devTools: opts.dev,
      safeDialogs: true,
      navigateOnDragDrop: false,
      backgroundThrottling: false,
    },
  } as const
}

/**
 * Restarts of a crashed renderer within a window of time: a renderer that keeps crashing is not
 * reloaded forever (the kiosk shows an error instead of flickering).
 */
export class RestartBudget {
  private times: number[] = []
  constructor(
    private readonly max = 5,
    private readonly windowMs = 5 * 60_000,
  ) {}

  /** Records a crash at `now`; true when another restart is allowed. */
  allow(now: number): boolean {
    this.times = this.times.filter((t) => now - t < this.windowMs)
    this.times.push(now)
    return this.times.length <= this.max
  }
}

export type WatchdogTimers = { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(h: unknown): void }

/**
 * Detects a hung renderer: `ping` is called every `everyMs`; a ping not answered within `timeoutMs`,
 * or an 'unresponsive' report that is not followed by 'responsive' within `timeoutMs`, triggers
 * `restart` once (then the watchdog waits for the next ping cycle).
 */
export class RendererWatchdog {
  private pingTimer: unknown = null
  private hangTimer: unknown = null
  private stopped = false
  restarts = 0

  constructor(
    private readonly ping: () => Promise<unknown>,
    private readonly restart: (reason: 'ping-timeout' | 'unresponsive') => void,
    private readonly opts: { everyMs: number; timeoutMs: number } = { everyMs: 15_000, timeoutMs: 10_000 },
    private readonly timers: WatchdogTimers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  ) {}

  start(): void {
    this.stopped = false
    this.schedule()
  }

  stop(): void {
    this.stopped = true
    if (this.pingTimer) this.timers.clearTimeout(this.pingTimer)
    if (this.hangTimer) this.timers.clearTimeout(this.hangTimer)
    this.pingTimer = this.hangTimer = null
  }

  /** Electron's webContents 'unresponsive' */
  unresponsive(): void {
    if (this.stopped || this.hangTimer) return
    this.hangTimer = this.timers.setTimeout(() => this.fire('unresponsive'), this.opts.timeoutMs)
  }

  /** Electron's webContents 'responsive' */
  responsive(): void {
    if (this.hangTimer) this.timers.clearTimeout(this.hangTimer)
    this.hangTimer = null
  }

  private schedule(): void {
    if (this.stopped) return
    this.pingTimer = this.timers.setTimeout(() => void this.check(), this.opts.everyMs)
  }

  private async check(): Promise<void> {
    if (this.stopped) return
    let answered = false
    const timeout = this.timers.setTimeout(() => {
      if (!answered) this.fire('ping-timeout')
    }, this.opts.timeoutMs)
    try {
      await this.ping()
      answered = true
    } catch {
      // a ping that throws (renderer gone) is handled by 'render-process-gone'
      answered = true
    } finally {
      this.timers.clearTimeout(timeout)
    }
    this.schedule()
  }

  private fire(reason: 'ping-timeout' | 'unresponsive'): void {
    if (this.stopped) return
    this.hangTimer = null
    this.restarts++
    this.restart(reason)
  }
}
