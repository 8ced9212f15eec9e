import { useEffect, useRef, useState } from 'react'
import type { ApiClient } from '../../api/api-client'
import type { AdminSession } from '../../shared/api/contract'
import type { ApiResult } from '../../shared/api/result'
import { useAdminStore } from '../../store/admin-store'
import { localHourMinute } from './dates'
import { errorText } from './errors'
import { ta } from './messages'
import { LOGIN_MIN_PIN_LENGTH, MIN_PIN_LENGTH, pinKeyOf, pressPinKey, sanitizePin, submitPin, type PinFlow, type PinKey } from './pin'
import { NoticeLine, useLang, type Notice } from './ui'

const KEYS: PinKey[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9']

/** The PIN pad: first start sets a PIN (twice), later starts log in. */
export function PinScreen({ api }: { api: ApiClient }) {
  const lang = useLang()
  const [flow, setFlow] = useState<PinFlow | null>(null)
  const [pin, setPin] = useState('')
  const [notice, setNotice] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)
  /** this screen's own lock (wrong PINs elsewhere never lock it): keys off until then */
  const [lockedUntil, setLockedUntil] = useState<number | null>(null)
  const inputRef = useRef<HTMLInputElement>(null)

  useEffect(() => {
    let live = true
    void api.invoke('admin/status', {}).then((r) => {
      if (!live) return
      if (!r.ok) {
        setFlow({ kind: 'login' })
        setNotice({ kind: 'error', text: errorText(lang, r.error) })
        return
      }
      setFlow(r.data.pinSet ? { kind: 'login' } : { kind: 'set', step: 'first' })
      if (r.data.lockedUntil !== null && r.data.lockedUntil > Date.now()) {
        setLockedUntil(r.data.lockedUntil)
        setNotice({ kind: 'error', text: ta(lang, 'err.admin-locked.until', { time: localHourMinute(r.data.lockedUntil) }) })
      }
    })
    return () => {
      live = false
    }
    // asked once per opening; a language switch meanwhile does not ask again
  }, [api])

  useEffect(() => {
    if (lockedUntil === null) return
    // the lock ends by itself: the keys come back and the message goes
    const id = setTimeout(() => {
      setLockedUntil(null)
      setNotice(null)
    }, Math.max(0, lockedUntil - Date.now()))
    return () => clearTimeout(id)
  }, [lockedUntil])

  const locked = lockedUntil !== null
  const focusInput = () => inputRef.current?.focus()
  const ready = flow !== null && !locked

  // the field is disabled until admin/status answers, so its autoFocus comes to nothing: focus it
  // once it can take keys (and again after a lock ends)
  useEffect(() => {
    if (ready) inputRef.current?.focus()
  }, [ready])

  const press = (k: PinKey) => {
    setPin((p) => pressPinKey(p, k))
    focusInput()
  }
  const cancel = () => useAdminStore.getState().close()

  // digits typed before the field has the focus (or after a click elsewhere) still count: the keys
  // are taken on the window, except those the field itself receives
  const submitRef = useRef<() => void>(() => undefined)
  useEffect(() => {
    if (!ready) return
    const onKey = (e: KeyboardEvent) => {
      if (e.target === inputRef.current) return
      const k = pinKeyOf(e)
      if (k === null) return
      e.preventDefault()
      if (k === 'enter') submitRef.current()
      else press(k)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [ready])

  const afterSession = (r: ApiResult<AdminSession>) => {
    if (r.ok) {
      useAdminStore.getState().startSession(r.data)
      return
    }
    if (r.error.code === 'pin-not-set') setFlow({ kind: 'set', step: 'first' })
    const until = r.error.details?.['lockedUntil']
    if (r.error.code === 'admin-locked' && typeof until === 'number') setLockedUntil(until)
    if (r.error.code === 'pin-already-set') setFlow({ kind: 'login' })
    setNotice({ kind: 'error', text: errorText(lang, r.error) })
  }

  const submit = async () => {
    if (!flow || busy || locked) return
    const step = submitPin(flow, pin)
    setPin('')
    focusInput()
    switch (step.action) {
      case 'too-short':
        setNotice({ kind: 'error', text: ta(lang, 'err.pin-too-short', { min: String(flow.kind === 'login' ? LOGIN_MIN_PIN_LENGTH : MIN_PIN_LENGTH) }) })
        return
      case 'confirm':
        setFlow(step.flow)
        setNotice(null)
        return
      case 'mismatch':
        setFlow(step.flow)
        setNotice({ kind: 'error', text: ta(lang, 'pin.mismatch') })
        return
      case 'login':
      case 'set-pin':
        setBusy(true)
        setNotice(null)
        try {
          afterSession(step.action === 'login' ? await api.invoke('admin/login', { pin: step.pin }) : await api.invoke('admin/set-pin', { pin: step.pin }))
        } finally {
          setBusy(false)
        }
    }
  }

  submitRef.current = () => void submit()

  const title = !flow
    ? ta(lang, 'common.loading')
    : flow.kind === 'login'
      ? ta(lang, 'pin.title.login')
      : flow.step === 'first'
        ? ta(lang, 'pin.title.set')
        : ta(lang, 'pin.title.confirm')

  return (
    <div className="admin-overlay admin-pin-overlay" data-testid="pin-screen">
      <form
        className="pin-pad"
        data-testid="pin-pad"
        data-flow={flow ? (flow.kind === 'login' ? 'login' : `set-${flow.step}`) : 'loading'}
        data-locked={locked ? 'yes' : 'no'}
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') cancel()
        }}
      >
        <h1 className="pin-title" data-testid="pin-title">
          {title}
        </h1>
        {flow?.kind === 'set' ? <p className="pin-hint">{ta(lang, 'pin.hint.set', { min: String(MIN_PIN_LENGTH) })}</p> : null}
        <input
          ref={inputRef}
          className="pin-input"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          autoFocus
          aria-label={title}
          data-testid="pin-input"
          value={pin}
          disabled={!flow || locked}
          onChange={(e) => setPin(sanitizePin(e.target.value))}
        />
        <NoticeLine notice={notice} testId="pin-message" />
        <div className="pin-keys">
          {KEYS.map((k) => (
            <button key={k} type="button" className="pin-key" data-testid={`pin-key-${k}`} disabled={!flow || busy || locked} onClick={() => press(k)}>
              {k}
            </button>
          ))}
          <button type="button" className="pin-key pin-key-back" data-testid="pin-backspace" aria-label={ta(lang, 'pin.backspace')} disabled={!flow || busy || locked} onClick={() => press('backspace')}>
            ⌫
          </button>
          <button type="button" className="pin-key" data-testid="pin-key-0" disabled={!flow || busy || locked} onClick={() => press('0')}>
            0
          </button>
          <button type="submit" className="pin-key pin-key-ok" data-testid="pin-ok" disabled={!flow || busy || locked}>
            {ta(lang, 'common.ok')}
          </button>
        </div>
        <button type="button" className="admin-btn pin-cancel" data-testid="pin-cancel" onClick={cancel}>
          {ta(lang, 'common.cancel')}
        </button>
      </form>
    </div>
  )
}
