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
import { useKioskStore } from './kiosk-store'

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

/** Puts a decision on screen (banner, colour, sound). */
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
      set.askDirection({ ticket: outcome.ticket, name: outcome.identification.name ?? '', expiresAt: Date.now() + ASK_MS })
      feedback('ask')
      return
    case 'needs-pin':
      // face AND PIN: the PIN pad asks the recognised person for their PIN (features/kiosk/PinEntry.tsx)
      askFacePin(outcome.ticket, outcome.identification.name ?? '', outcome.expiresAt)
      feedback('ask')
      return
    default:
      set.showBanner(outcome.kind === 'recorded' ? 'recognised' : 'already-recorded', {
        name: outcome.event.personName,
        event: outcome.event,
        identification: outcome.identification,
      })
      feedback(outcome.kind === 'recorded' ? 'good' : 'ask')
  }
}

/** How long the in/out question stays on screen (the server's ticket lives 20 s). */
export const ASK_MS = 15_000

let audio: AudioContext | null = null
/** Short tones from WebAudio (no sound files): two rising for a check-in, one low for a refusal. */
function feedback(kind: 'good' | 'bad' | 'ask'): void {
  if (useKioskStore.getState().settings?.sound === false) return
  try {
    audio ??= new AudioContext()
    const tones = kind === 'good' ? [660, 880] : kind === 'ask' ? [660] : [220]
    tones.forEach((f, i) => {
      const ctx = audio as AudioContext
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.frequency.value = f
      gain.gain.value = 0.08
      osc.connect(gain).connect(ctx.destination)
      const t0 = ctx.currentTime + i * 0.15
      osc.start(t0)
      osc.stop(t0 + (kind === 'bad' ? 0.35 : 0.12))
    })
  } catch {
    // no audio device: the colours still say it
  }
}

