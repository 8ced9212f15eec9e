/**
 * What the kiosk screen does with a decision (banner, colour, sound) and the small calls around it
 * (today's recent list, ask mode's answer). The recognition loop itself is KioskLoop (kiosk-loop.ts).
 */
import { askFacePin } from '../features/kiosk/fallback-store'
import type { ApiClient } from '../api/api-client'
import { langFromLocales, type Lang } from '../i18n/messages'
import type { FacePipeline } from '../vision/core/face-pipeline'
import type { LivenessScorer } from '../vision/core/liveness'
import { ModelLoadError } from '../vision/browser/model-load-error'
import type { KioskOutcome } from '../shared/domain/types'
import { useKioskStore, type Banner, type ToneKind } from './kiosk-store'

/**
 * The model-error banner's second line: which file is broken and how to get it back.
 * (A packaged kiosk has no `npm`: reinstalling restores the models there.)
 */
export function modelErrorDetail(err: unknown, lang: Lang): string {
  if (!(err instanceof ModelLoadError)) return err instanceof Error ? err.message : String(err)
  return lang === 'id'
    ? `Berkas ${err.file} rusak atau hilang: jalankan \`npm run models\` (atau pasang ulang aplikasi) untuk memulihkannya.`
    : `${err.file} is damaged or missing: run \`npm run models\` (or reinstall) to restore it.`
}

/** How long a result stays on screen before the kiosk looks again. */
export const HOLD_RESULT_MS = 3000

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * Waits (polling, up to `timeoutMs`) until `get` gives something: admin may open while the models
 * are still loading or the camera is being reopened.
 */
export async function whenReady<T>(get: () => T | null, timeoutMs = 60_000): Promise<T | null> {
  const until = performance.now() + timeoutMs
  for (;;) {
    const v = get()
    if (v !== null || performance.now() > until) return v
    await sleep(200)
  }
}

export type Vision = { pipeline: FacePipeline; liveness: LivenessScorer }


/** 'auto' follows the browser / OS languages. */
export function languageOf(setting: 'auto' | 'id' | 'en', hostLocale: 'id' | 'en'): 'id' | 'en' {
  if (setting !== 'auto') return setting
  return langFromLocales(navigator.languages?.length ? navigator.languages : [hostLocale])
}

/** Today's last check-ins for the kiosk screen; a failed call marks the kiosk offline. */
export async function refreshRecent(api: ApiClient): Promise<void> {
  const r = await api.invoke('attendance/recent', { limit: 5 })
  const s = useKioskStore.getState()
  s.setOnline(r.ok || r.error.code !== 'transport-error')
  if (r.ok) s.setRecent(r.data)
}

/** Ask mode: the person tapped in or out for the recognised face. */
export async function confirmDirection(api: ApiClient, ticket: string, direction: 'in' | 'out'): Promise<void> {
  const r = await api.invoke('kiosk/confirm', { ticket, direction })
  const set = useKioskStore.getState()
  if (!r.ok) set.setPhase('ask-expired', r.error.message)
  else showOutcome(r.data)
  void refreshRecent(api)
}

/**
 * Puts a decision on screen (banner, colour, sound). The core decides what one presence is: an
 * "already recorded" of a presence that goes on (`presence: 'continued'`) is shown once, quietly, and
 * changes nothing while it is on screen, so a person standing at the kiosk hears one sound.
 */
export function showOutcome(outcome: KioskOutcome): void {
  const set = useKioskStore.getState()
  switch (outcome.kind) {
    case 'unknown':
      set.setPhase('not-recognised', outcome.identification.reason)
      feedback('bad')
      return
    case 'refused':
      set.setPhase('refused', outcome.reason)
      feedback('bad')
      return
    case 'needs-direction':
      set.askDirection({
        ticket: outcome.ticket,
        name: outcome.identification.name ?? '',
        expiresAt: Date.now() + ASK_MS,
        ...(outcome.suggested ? { suggested: outcome.suggested } : {}),
        ...(outcome.last ? { last: outcome.last } : {}),
        identification: outcome.identification,
      })
      feedback('ask')
      return
    case 'needs-pin':
      // face AND PIN: the PIN pad asks the recognised person for their PIN (features/kiosk/PinEntry.tsx)
      askFacePin(outcome.ticket, outcome.identification.name ?? '', outcome.expiresAt)
      feedback('ask')
      return
    case 'already-recorded': {
      if (set.phase === 'already-recorded' && set.banner?.event.id === outcome.event.id) return
      set.showBanner('already-recorded', bannerOf(outcome))
      if (outcome.presence !== 'continued') feedback('already')
      return
    }
    case 'recorded':
      set.showBanner('recognised', bannerOf(outcome))
      feedback(outcome.event.direction === 'in' ? 'in' : 'out')
  }
}

const bannerOf = (o: Extract<KioskOutcome, { kind: 'recorded' | 'already-recorded' }>): Banner => ({
  name: o.event.personName,
  event: o.event,
  identification: o.identification,
  ...(o.workedTodayMs === undefined ? {} : { workedTodayMs: o.workedTodayMs }),
})

/** "Check out now?" → no: nothing is recorded; the last record is shown, quietly. */
export function declineChange(): void {
  const set = useKioskStore.getState()
  const ask = set.ask
  if (ask?.last && ask.identification) set.showBanner('already-recorded', { name: ask.name, event: ask.last, identification: ask.identification })
  else set.setPhase('looking')
}

/** How long the in/out question stays on screen (the server's ticket lives 20 s). */
export const ASK_MS = 15_000

let audio: AudioContext | null = null
/**
 * Short tones from WebAudio (no sound files), one per outcome kind: two rising for a check-in, two
 * falling for a check-out, one soft for "already recorded", one mid for a question, one low for a refusal.
 */
const TONES: Record<ToneKind, { freqs: number[]; ms: number; gain: number }> = {
  in: { freqs: [660, 880], ms: 120, gain: 0.08 },
  out: { freqs: [880, 587], ms: 140, gain: 0.08 },
  already: { freqs: [523], ms: 90, gain: 0.04 },
  ask: { freqs: [660, 660], ms: 90, gain: 0.07 },
  bad: { freqs: [220], ms: 350, gain: 0.08 },
}

function feedback(kind: ToneKind): void {
  const store = useKioskStore.getState()
  if (store.settings?.sound === false) return
  store.countTone(kind)
  try {
    audio ??= new AudioContext()
    const tone = TONES[kind]
    tone.freqs.forEach((f, i) => {
      const ctx = audio as AudioContext
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.frequency.value = f
      gain.gain.value = tone.gain
      osc.connect(gain).connect(ctx.destination)
      const t0 = ctx.currentTime + i * 0.15
      osc.start(t0)
      osc.stop(t0 + tone.ms / 1000)
    })
  } catch {
    // no audio device: the colours still say it
  }
}
