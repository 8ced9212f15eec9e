import { useEffect, useRef, useState } from 'react'
import type { ApiClient } from '../../api/api-client'
import { formatTime, t, type Lang, type MessageKey } from '../../i18n/messages'
import { confirmDirection, declineChange, refreshRecent } from '../../store/kiosk-actions'
import { useKioskLoop } from './kiosk-loop-context'
import { pinFallbackOn, useKioskStore, type KioskPhase } from '../../store/kiosk-store'
import type { DetectedFace } from '../../vision/core/face-pipeline'
import { bannerKindOf, bannerLines, MatchBanner } from './MatchBanner'
import { BadgeListener } from './BadgeListener'
import { PinEntry } from './PinEntry'
import { PrivacyNotice } from './PrivacyNotice'

const PHASE_MESSAGE: Partial<Record<KioskPhase, Parameters<typeof t>[1]>> = {
  starting: 'state.loading',
  loading: 'state.loading',
  looking: 'state.looking',
  verifying: 'state.verifying',
  'no-camera': 'state.no-camera',
  'camera-refused': 'state.camera-refused',
  'camera-lost': 'state.camera-lost',
  'model-error': 'state.model-error',
  'one-at-a-time': 'state.one-at-a-time',
  'server-error': 'state.server-error',
  'ask-expired': 'state.ask-expired',
}

/** Today's last few check-ins, refreshed after each decision and every minute. */
function RecentList({ api, lang }: { api: ApiClient; lang: Lang }) {
  const recent = useKioskStore((s) => s.recent)
  // names, initials or nothing (privacy setting; the core answers only what it allows)
  const display = useKioskStore((s) => s.settings?.recentDisplay) ?? 'initials'
  useEffect(() => {
    const id = setInterval(() => void refreshRecent(api), 60_000)
    return () => clearInterval(id)
  }, [api])
  if (recent.length === 0 || display === 'none') return null
  return (
    <aside className="recent" data-testid="recent" data-display={display}>
      <div className="recent-title">{t(lang, 'recent.title')}</div>
      <ol>
        {recent.map((r) => (
          <li key={`${r.at}-${r.personName}`} className={`recent-${r.direction}`}>
            <span className="recent-time">{formatTime(r.at)}</span> <span className="recent-name">{r.personName}</span>{' '}
            <span className="recent-dir">{t(lang, r.direction === 'in' ? 'direction.in' : 'direction.out')}</span>
          </li>
        ))}
      </ol>
    </aside>
  )
}

/** HR sync in one line (nothing when no HR server is set): online or not, queue, last success. */
function SyncBadge({ api, lang }: { api: ApiClient; lang: Lang }) {
  const sync = useKioskStore((s) => s.sync)
  const setSync = useKioskStore((s) => s.setSync)
  useEffect(() => {
    let stop = false
    const poll = async () => {
      const r = await api.invoke('sync/status', {})
      if (!stop) setSync(r.ok ? r.data : null)
    }
    void poll()
    const id = setInterval(() => void poll(), 10_000)
    return () => {
      stop = true
      clearInterval(id)
    }
  }, [api, setSync])
  if (!sync?.configured) return null
  const state = sync.online === false ? 'offline' : sync.lastError ? 'error' : 'online'
  const parts = [t(lang, state === 'offline' ? 'sync.offline' : state === 'error' ? 'sync.error' : 'sync.online')]
  if (sync.queued > 0) parts.push(t(lang, 'sync.queued', { n: String(sync.queued) }))
  if (sync.parked > 0) parts.push(t(lang, 'sync.parked', { n: String(sync.parked) }))
  if (sync.lastSuccessAt) parts.push(t(lang, 'sync.last', { time: formatTime(sync.lastSuccessAt) }))
  return (
    <div className={`sync-badge sync-${state}`} data-testid="sync-badge" data-state={state} data-queued={sync.queued}>
      {parts.join(' · ')}
    </div>
  )
}

/**
 * Ask mode: two big buttons for the recognised person. A change of direction soon after the last
 * record asks "Pulang sekarang? / Check out now?": yes records it, no records nothing.
 */
function AskDirection({ api, lang }: { api: ApiClient; lang: Lang }) {
  const ask = useKioskStore((s) => s.ask)
  if (!ask) return null
  if (ask.suggested) {
    const dir = ask.suggested
    return (
      <div className={`banner banner-ask banner-change banner-change-${dir}`} data-testid="ask-change" data-suggested={dir}>
        <div className="banner-title">{t(lang, dir === 'out' ? 'change.out.title' : 'change.in.title', { name: ask.name })}</div>
        {ask.last ? <div className="banner-sub">{t(lang, ask.last.direction === 'in' ? 'change.since.in' : 'change.since.out', { time: formatTime(ask.last.at) })}</div> : null}
        <div className="ask-buttons">
          <button type="button" className={dir === 'out' ? 'ask-out' : 'ask-in'} data-testid="change-yes" onClick={() => void confirmDirection(api, ask.ticket, dir)}>
            {t(lang, dir === 'out' ? 'change.yes.out' : 'change.yes.in')}
          </button>
          <button type="button" className="ask-no" data-testid="change-no" onClick={() => declineChange()}>
            {t(lang, 'change.no')}
          </button>
        </div>
      </div>
    )
  }
  return (
    <div className="banner banner-ask" data-testid="ask-direction">
      <div className="banner-title">{t(lang, 'ask.title', { name: ask.name })}</div>
      <div className="ask-buttons">
        <button type="button" className="ask-in" data-testid="ask-in" onClick={() => void confirmDirection(api, ask.ticket, 'in')}>
          {t(lang, 'ask.in')}
        </button>
        <button type="button" className="ask-out" data-testid="ask-out" onClick={() => void confirmDirection(api, ask.ticket, 'out')}>
          {t(lang, 'ask.out')}
        </button>
      </div>
    </div>
  )
}

/** What a refused face is told to do next: the PIN when the fallback is on, otherwise how to try again. */
function refusalHint(reason: string | null, pinFallback: boolean): MessageKey | null {
  if (pinFallback) return 'refused.use-pin'
  return reason === 'spoof_detected' ? 'refused.spoof-hint' : 'refused.try-again'
}

/** The outcome in words for the aria-live region (screen readers; announced once per change). */
function useAnnouncement(lang: Lang): string {
  const phase = useKioskStore((s) => s.phase)
  const banner = useKioskStore((s) => s.banner)
  const ask = useKioskStore((s) => s.ask)
  const detail = useKioskStore((s) => s.detail)
  const pinFallback = useKioskStore(pinFallbackOn)
  if ((phase === 'recognised' || phase === 'already-recorded') && banner) {
    const l = bannerLines(lang, bannerKindOf(phase, banner), banner)
    return [l.title, l.sub, l.hours].filter(Boolean).join('. ')
  }
  if (phase === 'ask-direction' && ask) return t(lang, ask.suggested === 'out' ? 'change.out.title' : ask.suggested === 'in' ? 'change.in.title' : 'ask.title', { name: ask.name })
  if (phase === 'refused' && detail) {
    const hint = refusalHint(detail, pinFallback)
    return [t(lang, `refused.${detail}` as MessageKey), hint ? t(lang, hint) : null].filter(Boolean).join('. ')
  }
  if (phase === 'not-recognised') return `${t(lang, 'state.not-recognised')}. ${t(lang, pinFallback ? 'not-recognised.use-pin' : 'state.not-recognised.hint')}`
  return ''
}

/**
 * The prompt drawn as well as written: an arrow sweeping the way to turn (the person's own left is
 * the screen's left: the video is shown mirrored), or an eye that closes and opens.
 */
function ChallengeHint({ kind }: { kind: string }) {
  return (
    <div className={`challenge-hint challenge-hint-${kind}`} data-testid="challenge-hint" data-kind={kind} aria-hidden="true">
      {kind === 'blink' ? <span className="challenge-eye" /> : <span className="challenge-arrow">{kind === 'turn-left' ? '←' : '→'}</span>}
    </div>
  )
}

function Clock({ lang }: { lang: Lang }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(id)
  }, [])
  const date = new Date(now).toLocaleDateString(lang === 'id' ? 'id-ID' : 'en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
  return (
    <div className="clock">
      <div className="clock-time">{formatTime(now)}</div>
      <div className="clock-date">{date}</div>
    </div>
  )
}

export function KioskScreen({ api }: { api: ApiClient }) {
  const videoRef = useRef<HTMLVideoElement>(null)
  const overlayRef = useRef<HTMLCanvasElement>(null)
  const phase = useKioskStore((s) => s.phase)
  const detail = useKioskStore((s) => s.detail)
  const lang = useKioskStore((s) => s.lang)
  const setLang = useKioskStore((s) => s.setLang)
  const decisionMs = useKioskStore((s) => s.lastDecisionMs)
  const readyAt = useKioskStore((s) => s.readyAt)
  const firstDecisionAt = useKioskStore((s) => s.firstDecisionAt)
  const online = useKioskStore((s) => s.online)
  const settings = useKioskStore((s) => s.settings)
  const tones = useKioskStore((s) => s.tones)
  const pinFallback = useKioskStore(pinFallbackOn)
  const announcement = useAnnouncement(lang)
  const loop = useKioskLoop()

  useEffect(() => {
    const video = videoRef.current
    // one loop per app: a re-run of this effect (React's StrictMode runs it twice) starts nothing new
    if (!video || loop.lifecycle !== 'new') return
    void loop.start(video, (faces: DetectedFace[], width: number, height: number) => {
      const canvas = overlayRef.current
      const ctx = canvas?.getContext('2d')
      if (!canvas || !ctx) return
      if (canvas.width !== width) canvas.width = width
      if (canvas.height !== height) canvas.height = height
      ctx.clearRect(0, 0, width, height)
      ctx.lineWidth = Math.max(2, width / 320)
      ctx.strokeStyle = '#22c55e'
      for (const f of faces) ctx.strokeRect(f.box[0], f.box[1], f.box[2], f.box[3])
    })
  }, [loop])

  const messageKey =
    (phase === 'quality' || phase === 'refused' || phase === 'challenge' || phase === 'challenge-retry') && detail
      ? (`${phase === 'quality' ? 'quality' : phase === 'refused' ? 'refused' : 'challenge'}.${detail}` as MessageKey)
      : PHASE_MESSAGE[phase]
  return (
    <main className={`kiosk phase-${phase}`} data-testid="kiosk" data-phase={phase} data-decision-ms={decisionMs === null ? undefined : Math.round(decisionMs)}
      data-ready-at={readyAt ?? undefined}
      data-first-decision-at={firstDecisionAt ?? undefined}
      data-tones={JSON.stringify(tones)}
    >
      <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="announce">
        {announcement}
      </div>
      <header className="kiosk-header">
        <div className="brand">
          {settings?.kioskName && settings.kioskName !== 'Hadir' ? settings.kioskName : t(lang, 'title')}
          {settings?.location ? <div className="brand-location">{settings.location}</div> : null}
        </div>
        <Clock lang={lang} />
        <button className="lang" type="button" onClick={() => setLang(lang === 'id' ? 'en' : 'id')} aria-label="language">
          {lang === 'id' ? 'EN' : 'ID'}
        </button>
      </header>
      <section className="camera">
        <video ref={videoRef} className="camera-video" muted playsInline />
        <canvas ref={overlayRef} className="camera-overlay" />
        <div className="face-guide" aria-hidden="true" />
        <RecentList api={api} lang={lang} />
        <SyncBadge api={api} lang={lang} />
        {/* when the face fails: Enter PIN / Masukkan PIN, and a badge reader (issue #12) */}
        <PinEntry api={api} lang={lang} />
        <BadgeListener lang={lang} />
        {online ? null : (
          <div className="offline" data-testid="offline">
            {t(lang, 'status.offline')}
          </div>
        )}
      </section>
      <footer className="kiosk-status" data-testid="status">
        {phase === 'ask-direction' ? (
          <AskDirection api={api} lang={lang} />
        ) : phase === 'recognised' || phase === 'already-recorded' ? (
          <MatchBanner lang={lang} />
        ) : phase === 'not-recognised' ? (
          <div className="banner banner-unknown" data-testid="banner-unknown">
            <div className="banner-title">{t(lang, 'state.not-recognised')}</div>
            <div className="banner-sub">{t(lang, pinFallback ? 'not-recognised.use-pin' : 'state.not-recognised.hint')}</div>
          </div>
        ) : messageKey ? (
          <div className={`banner banner-${phase}`} data-testid="banner-state" data-reason={phase === 'quality' || phase === 'refused' || phase === 'challenge' || phase === 'challenge-retry' ? (detail ?? undefined) : undefined}>
            {phase === 'challenge-retry' ? <div className="banner-sub">{t(lang, 'challenge.retry')}</div> : null}
            {(phase === 'challenge' || phase === 'challenge-retry') && detail ? <ChallengeHint kind={detail} /> : null}
            <div className="banner-title">{t(lang, messageKey)}</div>
            {phase === 'refused' && refusalHint(detail, pinFallback) ? (
              <div className="banner-sub" data-testid="refused-hint">
                {t(lang, refusalHint(detail, pinFallback) as MessageKey)}
              </div>
            ) : null}
            {detail && (phase === 'model-error' || phase === 'server-error') ? <div className="banner-sub">{detail}</div> : null}
          </div>
        ) : null}
      </footer>
      <PrivacyNotice lang={lang} />
    </main>
  )
}
