import { useEffect } from 'react'
import type { Lang } from '../../i18n/messages'
import { useKioskStore } from '../../store/kiosk-store'
import { BadgeWedge } from './fallback-input'
import { fallbackError } from './fallback-messages'
import { useFallbackStore } from './fallback-store'

/** A key that lands in a text field is typing, not a badge reader. */
function inTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el || typeof el.tagName !== 'string') return false
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable === true
}

/**
 * Listens for a keyboard-wedge badge reader (fallback-input.ts BadgeWedge) while the fallback mode
 * is 'pin-badge' and no text field has the focus: a badge opens the PIN step for it; a garbled or
 * flooding read shows its message and nothing is sent. Renders nothing.
 */
export function BadgeListener({ lang }: { lang: Lang }) {
  const mode = useKioskStore((s) => s.settings?.fallback?.mode ?? 'off')
  const pinStep = useFallbackStore((s) => s.panel?.step === 'pin')
  useEffect(() => {
    if (mode !== 'pin-badge' || pinStep) return
    const wedge = new BadgeWedge()
    const onKey = (e: KeyboardEvent) => {
      if (inTextField(e.target)) {
        wedge.reset()
        return
      }
      const r = wedge.feed({ key: e.key, at: e.timeStamp, ctrlKey: e.ctrlKey, altKey: e.altKey, metaKey: e.metaKey })
      if (r === null) return
      e.preventDefault()
      const st = useFallbackStore.getState()
      if (r.kind === 'badge') st.open({ step: 'pin', via: 'badge', badge: r.badge })
      else st.setNote({ kind: 'error', code: r.code, title: fallbackError(lang, r.code) })
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [mode, pinStep, lang])
  return null
}
