import type { ApiClient } from '../api/api-client'
import { langFromLocales } from '../i18n/messages'
import { chooseSubject, type FacePipeline, type DetectedFace } from '../vision/core/face-pipeline'
import { assessQuality, DEFAULT_QUALITY } from '../vision/core/quality'
import { DEFAULT_TRACK, FaceTrack } from '../vision/core/tracker'
import { loadVision, ModelLoadError } from '../vision/browser/load-vision'
import { CameraError, openWebcam, type Webcam } from '../vision/camera/webcam'
import { useKioskStore, type KioskPhase } from './kiosk-store'

/** How long a result stays on screen before the kiosk looks again. */
export const HOLD_RESULT_MS = 3000
/** Pause between frames when nobody is there (keeps the CPU cool on a 2-core kiosk). */
const IDLE_FRAME_MS = 60
/** Retry period when the camera is missing or was unplugged. */
const CAMERA_RETRY_MS = 3000

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Per-frame face boxes for the overlay; kept outside the store on purpose. */
export type FrameListener = (faces: DetectedFace[], width: number, height: number) => void

let running = false

/**
 * Starts the kiosk: host info → models → camera → recognition loop. Module-level so the vision loop
 * needs no React hook; state transitions go to the store.
 */
export async function startKiosk(api: ApiClient, video: HTMLVideoElement, onFrame: FrameListener): Promise<void> {
  if (running) return
  running = true
  const store = useKioskStore.getState()
  const info = await api.invoke('host/info', {})
  if (!info.ok) {
    store.setPhase('server-error', info.error.message)
    running = false
    return
  }
  store.setHostInfo(info.data)
  store.setLang(langFromLocales(navigator.languages?.length ? navigator.languages : [info.data.locale]))
  store.setPhase('loading')
  let pipeline: FacePipeline
  try {
    pipeline = await loadVision(info.data)
  } catch (err) {
    store.setPhase('model-error', err instanceof ModelLoadError ? err.file : String(err))
    running = false
    return
  }
  while (running) {
    let cam: Webcam
    try {
      cam = await openWebcam(video)
    } catch (err) {
      const code = err instanceof CameraError ? err.code : 'no-camera'
      useKioskStore.getState().setPhase(code, err instanceof Error ? err.message : null)
      await sleep(CAMERA_RETRY_MS)
      continue
    }
    useKioskStore.getState().setPhase('looking')
    let lost = false
    void cam.ended.then(() => {
      lost = true
    })
    try {
      await recognitionLoop(api, pipeline, cam, onFrame, () => lost)
    } finally {
      cam.close()
    }
    if (lost) {
      useKioskStore.getState().setPhase('camera-lost')
      await sleep(CAMERA_RETRY_MS)
    }
  }
}

export function stopKiosk(): void {
  running = false
}

async function recognitionLoop(api: ApiClient, pipeline: FacePipeline, cam: Webcam, onFrame: FrameListener, isLost: () => boolean): Promise<void> {
  const tag = pipeline.embedderInfo
  const track = new FaceTrack(DEFAULT_TRACK)
  const show = (phase: KioskPhase, detail: string | null = null) => {
    const s = useKioskStore.getState()
    if (s.phase !== phase || s.detail !== detail) s.setPhase(phase, detail)
  }
  while (running && !isLost()) {
    // one decision step per new camera frame; this await also yields to the browser every time
    await cam.nextFrame()
    const frame = cam.grab()
    if (!frame) continue
    const now = performance.now()
    const faces = await pipeline.detect(frame)
    onFrame(faces, frame.width, frame.height)
    if (faces.length === 0) {
      track.observe(null, now)
      show('looking')
      await sleep(IDLE_FRAME_MS)
      continue
    }
    const choice = chooseSubject(faces, frame.width, frame.height)
    if (choice.kind !== 'one') {
      track.reset()
      show('one-at-a-time')
      continue
    }
    const face = faces[choice.index] as DetectedFace
    track.observe(face.box, now)
    const quality = assessQuality(frame, face, DEFAULT_QUALITY)
    if (!quality.ok) {
      show('quality', quality.reasons[0] ?? null)
      continue
    }
    track.add(await pipeline.embed(frame, face))
    if (!track.ready) {
      show('verifying')
      continue
    }
    const startedAt = track.startedAt
    const evidence = track.take()
    const r = await api.invoke('kiosk/recognize', { modelId: tag.modelId, modelVersion: tag.modelVersion, embeddings: evidence.map((e) => Array.from(e)) })
    const set = useKioskStore.getState()
    set.setDecisionMs(performance.now() - startedAt)
    if (!r.ok) {
      set.setPhase('server-error', r.error.message)
    } else if (r.data.kind === 'unknown') {
      set.setPhase('not-recognised', r.data.identification.reason)
    } else {
      set.showBanner(r.data.kind === 'recorded' ? 'recognised' : 'already-recorded', {
        name: r.data.event.personName,
        event: r.data.event,
        identification: r.data.identification,
      })
    }
    await sleep(HOLD_RESULT_MS)
    // whoever stands there after the hold starts a new decision
    track.reset()
  }
}
