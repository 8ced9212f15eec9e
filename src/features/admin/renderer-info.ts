import { useKioskStore } from '../../store/kiosk-store'
import { perf } from '../../store/perf'
import { numericFigures, type RendererInfo } from './support-bundle'

/** The kiosk camera's live track, when the kiosk video is playing. */
export function currentCamera(): RendererInfo['camera'] {
  const src = document.querySelector('video')?.srcObject
  if (!(src instanceof MediaStream)) return null
  const track = src.getVideoTracks()[0]
  if (!track) return null
  const s = track.getSettings()
  return { label: track.label, width: s.width ?? null, height: s.height ?? null, frameRate: s.frameRate ?? null }
}

/** The kiosk loop's figures: frames per second, mean stage times (ms) and the last decision time; absent ones are left out. */
export function kioskPerformance(): Record<string, number> {
  const snap = perf.snapshot()
  const out: Record<string, number> = {}
  if (snap.fps !== null) out['fps'] = snap.fps
  for (const [stage, ms] of Object.entries(numericFigures(snap.stagesMs))) out[`${stage}Ms`] = ms
  const decision = useKioskStore.getState().lastDecisionMs
  if (decision !== null) out['lastDecisionMs'] = Math.round(decision)
  return out
}

export function collectRendererInfo(): RendererInfo {
  return {
    userAgent: navigator.userAgent,
    screen: { width: window.screen.width, height: window.screen.height, devicePixelRatio: window.devicePixelRatio },
    camera: currentCamera(),
    performance: kioskPerformance(),
  }
}
