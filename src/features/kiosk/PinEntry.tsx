import { useEffect } from 'react'
import type { ApiClient } from '../../api/api-client'
import { formatTime, type Lang } from '../../i18n/messages'
import type { Direction } from '../../shared/domain/types'
import { refreshRecent, showOutcome } from '../../store/kiosk-actions'
import { useKioskStore } from '../../store/kiosk-store'
import { cleanEmployeeId, pinReady, pressPin } from './fallback-input'
import { fallbackError, tf } from './fallback-messages'
import { useFallbackStore, type PinFor } from './fallback-store'

/** How long a result (or an error without the panel) stays on screen. */
const NOTE_MS = 5000
/** Refusals about who it is, not the PIN: the pad goes back to the employee id. */
const BACK_TO_ID = new Set(['person-unknown', 'badge-unknown', 'badge-off', 'badge-format', 'person-pin-not-set'])
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'backspace'] as const

/** Sends the PIN for `who`; the pad stays open on every refusal (a wrong PIN clears the digits only). */
async function submit(api: ApiClient, lang: Lang, who: PinFor, pin: string, direction: Direction | undefined): Promise<void> {
  const st = useFallbackStore.getState()
  const ready = pinReady(pin)
  if (!ready.ok) {
    st.setNote({ kind: 'error', code: ready.code, title: fallbackError(lang, ready.code) })
    return
  }
  st.setBusy(true)
  const dir = direction ? { direction } : {}
  if (who.via === 'face') {
    const r = await api.invoke('kiosk/face-pin', { ticket: who.ticket, pin, ...dir })
    st.setBusy(false)
    if (!r.ok) {
      st.setPin('')
      st.setNote({ kind: 'error', code: r.error.code, title: fallbackError(lang, r.error.code, r.error.details) })
      if (r.error.code === 'pin-locked' || r.error.code === 'not-found') setTimeout(() => useFallbackStore.getState().close(), NOTE_MS)
      return
    }
    st.close()
    showOutcome(r.data)
    void refreshRecent(api)
    return
  }
  const r = await api.invoke('kiosk/pin-checkin', { ...(who.via === 'badge' ? { badge: who.badge } : { employeeId: who.employeeId }), pin, ...dir })
  st.setBusy(false)
  if (!r.ok) {
    st.setPin('')
    const code = r.error.code
    // who it is was wrong: back to the first step (open() clears the note, so it is set after)
    if (BACK_TO_ID.has(code)) st.open({ step: 'id' })
    st.setNote({ kind: 'error', code, title: fallbackError(lang, code, r.error.details) })
    return
  }
  const d = r.data
  const time = formatTime(d.event.at)
  const dirText = tf(lang, d.event.direction === 'in' ? 'fb.in' : 'fb.out')
  st.close()
  st.setNote(
    d.kind === 'recorded'
      ? { kind: 'ok', code: null, title: tf(lang, 'fb.recorded', { name: d.personName }), sub: tf(lang, 'fb.recorded.sub', { direction: dirText, time }) }
      : { kind: 'already', code: null, title: tf(lang, 'fb.already', { name: d.personName, time }) },
  )
  void refreshRecent(api)
}

function Note({ lang }: { lang: Lang }) {
  const note = useFallbackStore((s) => s.note)
  const panel = useFallbackStore((s) => s.panel)
  const setNote = useFallbackStore((s) => s.setNote)
  useEffect(() => {
    if (!note || panel) return
    const id = setTimeout(() => setNote(null), NOTE_MS)
    return () => clearTimeout(id)
  }, [note, panel, setNote])
  if (!note) return null
  return (
    <div className={`fb-note fb-note-${note.kind}`} data-testid="fb-note" data-kind={note.kind} data-code={note.code ?? undefined} role={note.kind === 'error' ? 'alert' : 'status'} lang={lang}>
      <div className="fb-note-title">{note.title}</div>
      {note.sub ? <div className="fb-note-sub">{note.sub}</div> : null}
    </div>
  )
}

/**
 * "Enter PIN / Masukkan PIN": the way in when the face fails. Step 1 the employee id (or a badge
 * read by BadgeListener), step 2 the PIN on a 4–8 digit pad; in ask mode the person taps in or out
 * instead of OK. Face AND PIN opens step 2 straight away for the recognised person.
 */
export function PinEntry({ api, lang }: { api: ApiClient; lang: Lang }) {
  const settings = useKioskStore((s) => s.settings)
  const panel = useFallbackStore((s) => s.panel)
  const pin = useFallbackStore((s) => s.pin)
  const employeeId = useFallbackStore((s) => s.employeeId)
  const busy = useFallbackStore((s) => s.busy)
  const st = useFallbackStore.getState
  const mode = settings?.fallback?.mode ?? 'off'
  const ask = settings?.rules.mode === 'ask'

  // typed digits work on the pad too (a keyboard under the screen)
  useEffect(() => {
    if (panel?.step !== 'pin') return
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey) return
      const s = useFallbackStore.getState()
      if (e.key === 'Enter' && !ask && panel.step === 'pin') {
        e.preventDefault()
        if (!s.busy) void submit(api, lang, panel, s.pin, undefined)
        return
      }
      const next = pressPin(s.pin, e.key)
      if (next !== s.pin) {
        e.preventDefault()
        s.setPin(next)
        s.setNote(null)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [panel, api, lang, ask])

  // a face waiting for its PIN gives up when its ticket ends
  useEffect(() => {
    if (panel?.step !== 'pin' || panel.via !== 'face') return
    const id = setTimeout(() => useFallbackStore.getState().close(), Math.max(0, panel.expiresAt - Date.now()))
    return () => clearTimeout(id)
  }, [panel])

  const openButton =
    mode === 'off' || panel ? null : (
      <button type="button" className="fb-open" data-testid="fb-open" onClick={() => st().open({ step: 'id' })}>
        <span className="fb-open-title">{tf(lang, 'fb.open')}</span>
        <span className="fb-open-sub">{tf(lang, 'fb.open.sub')}</span>
      </button>
    )

  if (!panel) {
    return (
      <>
        {openButton}
        <Note lang={lang} />
      </>
    )
  }

  if (panel.step === 'id') {
    const id = cleanEmployeeId(employeeId)
    return (
      <div className="fb-panel" data-testid="fb-panel" data-step="id" role="dialog" aria-label={tf(lang, 'fb.id.title')}>
        <div className="fb-title">{tf(lang, 'fb.id.title')}</div>
        <div className="fb-hint">{mode === 'pin-badge' ? tf(lang, 'fb.id.hint') : tf(lang, 'fb.id.hint.pin')}</div>
        <form
          className="fb-id-form"
          onSubmit={(e) => {
            e.preventDefault()
            if (id !== '') st().open({ step: 'pin', via: 'pin', employeeId: id })
          }}
        >
          <input
            className="fb-id"
            data-testid="fb-id"
            autoFocus
            autoComplete="off"
            inputMode="text"
            maxLength={64}
            value={employeeId}
            onChange={(e) => st().setEmployeeId(e.target.value)}
            aria-label={tf(lang, 'fb.id.title')}
          />
          <div className="fb-actions">
            <button type="button" className="fb-cancel" data-testid="fb-cancel" onClick={() => st().close()}>
              {tf(lang, 'fb.cancel')}
            </button>
            <button type="submit" className="fb-next" data-testid="fb-next" disabled={id === ''}>
              {tf(lang, 'fb.next')}
            </button>
          </div>
        </form>
        <Note lang={lang} />
      </div>
    )
  }

  const title = panel.via === 'face' ? tf(lang, 'fb.pin.for', { name: panel.name }) : panel.via === 'badge' ? tf(lang, 'fb.pin.badge') : tf(lang, 'fb.pin.title')
  const send = (direction?: Direction) => {
    if (!busy) void submit(api, lang, panel, useFallbackStore.getState().pin, direction)
  }
  return (
    <div className="fb-panel" data-testid="fb-panel" data-step="pin" data-via={panel.via} role="dialog" aria-label={title}>
      <div className="fb-title">{title}</div>
      {panel.via === 'pin' ? <div className="fb-who">{panel.employeeId}</div> : null}
      <div className="fb-dots" data-testid="fb-dots" data-length={pin.length} aria-label={tf(lang, 'fb.pin.hint')}>
        {Array.from({ length: Math.max(4, pin.length) }, (_, i) => (
          <span key={i} className={i < pin.length ? 'fb-dot fb-dot-on' : 'fb-dot'} />
        ))}
      </div>
      <div className="fb-hint">{busy ? tf(lang, 'fb.sending') : tf(lang, 'fb.pin.hint')}</div>
      <div className="fb-pad">
        {KEYS.map((k) => (
          <button
            key={k}
            type="button"
            className={`fb-key fb-key-${k}`}
            data-testid={`fb-key-${k}`}
            aria-label={k === 'clear' ? tf(lang, 'fb.clear') : k === 'backspace' ? tf(lang, 'fb.back') : k}
            onClick={() => {
              const s = useFallbackStore.getState()
              s.setPin(pressPin(s.pin, k))
              s.setNote(null)
            }}
          >
            {k === 'clear' ? 'C' : k === 'backspace' ? '⌫' : k}
          </button>
        ))}
      </div>
      <div className="fb-actions">
        <button type="button" className="fb-cancel" data-testid="fb-cancel" onClick={() => st().close()}>
          {tf(lang, 'fb.cancel')}
        </button>
        {ask ? (
          <>
            <button type="button" className="fb-in" data-testid="fb-in" disabled={busy} onClick={() => send('in')}>
              {tf(lang, 'fb.in')}
            </button>
            <button type="button" className="fb-out" data-testid="fb-out" disabled={busy} onClick={() => send('out')}>
              {tf(lang, 'fb.out')}
            </button>
          </>
        ) : (
          <button type="button" className="fb-ok" data-testid="fb-ok" disabled={busy} onClick={() => send()}>
            {tf(lang, 'fb.ok')}
          </button>
        )}
      </div>
      <Note lang={lang} />
    </div>
  )
}
