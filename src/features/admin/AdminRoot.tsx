import { useEffect, useRef } from 'react'
import type { ApiClient } from '../../api/api-client'
import { isAdminIdle, useAdminStore } from '../../store/admin-store'
import { adminInvoke, leaveAdmin, refreshKioskAfterAdmin } from './admin-api'
import { AdminScreen } from './AdminScreen'
import { useKioskLoop } from '../kiosk/kiosk-loop-context'
import { isAdminShortcut, LONG_PRESS_MS } from './pin'
import { PinScreen } from './PinScreen'

/** While someone works in admin mode without calling the host (typing a form), the host's idle session is kept alive this often. */
const KEEPALIVE_MS = 45_000

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'input'] as const

/**
 * An invisible 80×80 px area in the top-left corner; holding it for 2 s opens the PIN pad. The release
 * is also judged by the events' own time stamps, so a busy main thread (models loading) cannot swallow it.
 */
function AdminCorner() {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const downAt = useRef<number | null>(null)
  const cancel = () => {
    if (timer.current !== null) clearTimeout(timer.current)
    timer.current = null
    downAt.current = null
  }
  const open = () => {
    cancel()
    useAdminStore.getState().openPin()
  }
  useEffect(() => cancel, [])
  return (
    <div
      className="admin-corner"
      data-testid="admin-corner"
      aria-hidden="true"
      onPointerDown={(e) => {
        cancel()
        downAt.current = e.timeStamp
        timer.current = setTimeout(open, LONG_PRESS_MS)
      }}
      onPointerUp={(e) => {
        if (downAt.current !== null && e.timeStamp - downAt.current >= LONG_PRESS_MS) open()
        else cancel()
      }}
      onPointerCancel={cancel}
      onPointerLeave={cancel}
      onContextMenu={(e) => e.preventDefault()}
    />
  )
}

/**
 * Admin mode over the kiosk: the way in (Ctrl+Shift+A, long press in the corner), the PIN pad, the
 * admin screens, recognition paused while any of it is shown, and the 2-minute idle exit.
 */
export function AdminRoot({ api }: { api: ApiClient }) {
  const mode = useAdminStore((s) => s.mode)
  const shown = mode !== 'closed'
  const loop = useKioskLoop()

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isAdminShortcut(e)) return
      e.preventDefault()
      useAdminStore.getState().openPin()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  useEffect(() => {
    if (!shown) return
    // nobody is checked in while an admin stands at the kiosk; recognition resumes when admin closes
    loop.pause()
    return () => loop.resume()
  }, [shown, loop])

  useEffect(() => {
    if (!shown) return
    // corrections, voids and saved settings show on the kiosk screen as soon as admin closes
    return () => void refreshKioskAfterAdmin(api)
  }, [shown, api])

  useEffect(() => {
    if (!shown) return
    const touch = () => useAdminStore.getState().touch()
    touch()
    for (const ev of ACTIVITY_EVENTS) window.addEventListener(ev, touch, { capture: true, passive: true })
    const id = setInterval(() => {
      if (isAdminIdle(useAdminStore.getState(), Date.now())) leaveAdmin(api)
    }, 1000)
    return () => {
      clearInterval(id)
      for (const ev of ACTIVITY_EVENTS) window.removeEventListener(ev, touch, { capture: true })
    }
  }, [shown, api])

  useEffect(() => {
    if (mode !== 'open') return
    const id = setInterval(() => {
      // the host ends a session after its own idle time without calls; activity on screen counts too
      if (Date.now() - useAdminStore.getState().lastActivityAt < KEEPALIVE_MS) void adminInvoke(api, 'people/list', { limit: 1 })
    }, KEEPALIVE_MS)
    return () => clearInterval(id)
  }, [mode, api])

  return (
    <>
      {mode === 'closed' ? <AdminCorner /> : null}
      {mode === 'pin' ? <PinScreen api={api} /> : null}
      {mode === 'open' ? <AdminScreen api={api} /> : null}
    </>
  )
}
