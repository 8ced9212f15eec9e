import type { ApiClient } from '../api/api-client'
import { langFromLocales, t, type Lang } from '../i18n/messages'
import { chooseSubject, type FacePipeline, type DetectedFace } from '../vision/core/face-pipeline'
import { assessQuality, DEFAULT_QUALITY } from '../vision/core/quality'
import { ChallengeVerifier, pickChallenge } from '../vision/core/challenge'
import { summarizeTrackLiveness, type LivenessResult, type LivenessScorer } from '../vision/core/liveness'
import { flattenMesh, summarizeTemporal, type TemporalSample } from '../vision/core/temporal'
import { fuseEmbeddings } from '../shared/face/decide'
import { cosine } from '../shared/face/match'
import type { LivenessEvidence } from '../shared/domain/types'
import { DEFAULT_TRACK, FaceTrack } from '../vision/core/tracker'
import { loadVision, ModelLoadError } from '../vision/browser/load-vision'
import { CameraError, openWebcam, type Webcam } from '../vision/camera/webcam'
import type { KioskOutcome } from '../shared/domain/types'
import { perf } from './perf'
import { useKioskStore, type KioskPhase } from './kiosk-store'

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
/** Pause between frames when nobody is there (keeps the CPU cool on a 2-core kiosk). */
const IDLE_FRAME_MS = 60
/** Pause after an unexpected error in the recognition loop before trying again. */
const ERROR_BACKOFF_MS = 2000
/** Frames of one track kept for temporal liveness (about 3 s at 10 frames per second). */
const MAX_MOTION_FRAMES = 30
/** Retry period when the camera is missing or was unplugged. */
const CAMERA_RETRY_MS = 3000

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Per-frame face boxes for the overlay; kept outside the store on purpose. */
export type FrameListener = (faces: DetectedFace[], width: number, height: number) => void

let running = false
/** admin mode has the screen: the loop leaves the camera open but decides nothing */
let paused = false
const current: { vision: Vision | null; cam: Webcam | null } = { vision: null, cam: null }

/** Stops deciding while admin mode is open (the camera stays open for enrollment). */
export function pauseKiosk(): void {
  paused = true
}

/** Back to recognising; settings changed in admin apply from the next face. */
export function resumeKiosk(): void {
  paused = false
}

export function isKioskPaused(): boolean {
  return paused
}

/** The loaded vision pipeline (null while loading or when the models failed). */
export function kioskVision(): Vision | null {
  return current.vision
}

/** The open camera (null while it is missing). */
export function kioskCamera(): Webcam | null {
  return current.cam
}

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
  const initial = await api.invoke('settings/get', {})
  if (initial.ok) store.setSettings(initial.data)
  store.setLang(languageOf(initial.ok ? initial.data.language : 'auto', info.data.locale))
  void refreshRecent(api)
  store.setPhase('loading')
  let vision: Vision
  try {
    vision = await loadVision(info.data)
    current.vision = vision
  } catch (err) {
    store.setPhase('model-error', modelErrorDetail(err, useKioskStore.getState().lang))
    running = false
    return
  }
  while (running) {
    let cam: Webcam
    try {
      const camera = useKioskStore.getState().settings?.camera
      cam = await openWebcam(video, camera?.deviceId ?? undefined, camera ? { width: camera.width, height: camera.height } : undefined)
      current.cam = cam
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
      await recognitionLoop(api, vision, cam, onFrame, () => lost || reopenCamera)
    } finally {
      reopenCamera = false
      current.cam = null
      cam.close()
    }
    if (lost) {
      useKioskStore.getState().setPhase('camera-lost')
      await sleep(CAMERA_RETRY_MS)
    }
  }
}

let reopenCamera = false

/**
 * Closes and reopens the camera (after the machine slept, the stream is dead without an 'ended'
 * event); the Electron shell calls it on resume.
 */
export function restartCamera(): void {
  reopenCamera = true
}

export function stopKiosk(): void {
  running = false
}

export type Vision = { pipeline: FacePipeline; liveness: LivenessScorer }
type Evidence = LivenessEvidence


/** 'auto' follows the browser / OS languages. */
function languageOf(setting: 'auto' | 'id' | 'en', hostLocale: 'id' | 'en'): 'id' | 'en' {
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
function showOutcome(outcome: KioskOutcome): void {
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
const ASK_MS = 15_000

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

async function recognitionLoop(api: ApiClient, vision: Vision, cam: Webcam, onFrame: FrameListener, isLost: () => boolean): Promise<void> {
  const { pipeline, liveness } = vision
  const tag = pipeline.embedderInfo
  const track = new FaceTrack(DEFAULT_TRACK)
  let frameLiveness: LivenessResult[] = []
  /** the track's mesh over time (every frame with the face, quality-passed or not), for temporal liveness */
  let motion: TemporalSample[] = []
  /** a challenge under way, with the evidence gathered before it */
  let pending: { verifier: ChallengeVerifier; embeddings: Float32Array[]; evidence: Evidence; startedAt: number } | null = null
  /** this track was decided: nothing more until the face leaves (no re-decision, no check-out by standing) */
  let decided = false
  const settingsOf = async () => {
    const r = await api.invoke('settings/get', {})
    return r.ok ? r.data : null
  }
  let settings = await settingsOf()
  if (settings) useKioskStore.getState().setSettings(settings)
  const show = (phase: KioskPhase, detail: string | null = null) => {
    const s = useKioskStore.getState()
    if (s.phase !== phase || s.detail !== detail) s.setPhase(phase, detail)
  }
  const decideAndShow = async (embeddings: Float32Array[], evidence: Evidence | undefined, startedAt: number) => {
    decided = true
    pending = null
    frameLiveness = []
    motion = []
    const r = await api.invoke('kiosk/recognize', {
      modelId: tag.modelId,
      modelVersion: tag.modelVersion,
      embeddings: embeddings.map((e) => Array.from(e)),
      ...(evidence ? { liveness: evidence } : {}),
    })
    const set = useKioskStore.getState()
    set.setDecisionMs(performance.now() - startedAt)
    set.setOnline(r.ok || r.error.code !== 'transport-error')
    if (!r.ok) set.setPhase('server-error', r.error.code === 'disk-full' ? t(set.lang, 'state.disk-full') : r.error.message)
    else showOutcome(r.data)
    void refreshRecent(api)
    if (r.ok && r.data.kind === 'needs-direction') {
      // the person answers on screen; the loop waits (up to the question's time) without deciding
      const until = performance.now() + ASK_MS
      while (performance.now() < until && useKioskStore.getState().phase === 'ask-direction') await sleep(100)
      if (useKioskStore.getState().phase === 'ask-direction') set.setPhase('looking')
      else await sleep(HOLD_RESULT_MS)
      return
    }
    await sleep(HOLD_RESULT_MS)
  }
  /** A challenge that ends without a pass (face gone, another face, time up) is a refusal, audited. */
  const abandon = async (now: number, reason: 'challenge_failed' | 'timeout') => {
    const p = pending
    if (!p) return
    const challenge = { kind: p.verifier.kind, passed: false, ms: Math.round(now - p.verifier.startedAt) }
    await decideAndShow(p.embeddings, { ...p.evidence, decision: reason, challenge }, p.startedAt)
  }
  /** The face is a new one: forget the last decision and any evidence. */
  const newFace = () => {
    decided = false
    frameLiveness = []
    motion = []
  }

  while (running && !isLost()) {
    // one decision step per new camera frame; this await also yields to the browser every time
    await cam.nextFrame()
    if (paused) {
      // admin mode: nothing is decided; what was gathered belongs to no one
      track.reset()
      newFace()
      pending = null
      await sleep(IDLE_FRAME_MS * 3)
      continue
    }
    try {
      const t0 = performance.now()
      const frame = cam.grab()
      if (!frame) continue
      const now = performance.now()
      const faces = await pipeline.detect(frame)
      perf.frame(performance.now() - t0)
      onFrame(faces, frame.width, frame.height)
      if (faces.length === 0) {
        const gone = track.observe(null, now)
        if (pending && (gone || pending.verifier.expire(now) === 'timeout')) {
          await abandon(now, gone ? 'challenge_failed' : 'timeout')
          continue
        }
        if (gone) newFace()
        if (!decided) show(pending ? 'challenge' : 'looking', pending ? pending.verifier.kind : null)
        await sleep(IDLE_FRAME_MS)
        continue
      }
      const choice = chooseSubject(faces, frame.width, frame.height)
      if (choice.kind !== 'one') {
        if (pending) await abandon(now, 'challenge_failed')
        track.reset()
        newFace()
        show('one-at-a-time')
        continue
      }
      const face = faces[choice.index] as DetectedFace
      if (track.observe(face.box, now)) {
        // someone else: what was gathered (or asked) belonged to the face before
        if (pending) {
          await abandon(now, 'challenge_failed')
          continue
        }
        newFace()
      }
      if (decided) {
        // the banner stays while the same person stands there
        await sleep(IDLE_FRAME_MS)
        continue
      }
      const quality = assessQuality(frame, face, DEFAULT_QUALITY)
      if (!pending) {
        motion.push({ t: now, box: face.box, mesh: flattenMesh(face.mesh), eyeOpenness: quality.metrics.eyeOpenness })
        if (motion.length > MAX_MOTION_FRAMES) motion.splice(1, 1) // keep the first frame: motion is measured from it
      }

      if (pending) {
        // the prompt itself asks for a turned head or closed eyes: no quality gate while it runs
        const p = pending
        const state = p.verifier.feed({ t: now, yawDeg: quality.metrics.yawDeg, eyeOpenness: quality.metrics.eyeOpenness })
        if (state === 'pending') {
          show('challenge', p.verifier.kind)
          continue
        }
        if (state === 'timeout') {
          await abandon(now, 'timeout')
          continue
        }
        // passed: it must still be the same face as the one gathered before the prompt
        const now1 = await pipeline.embed(frame, face)
        if (cosine(fuseEmbeddings(p.embeddings), now1) < (settings?.thresholds.normal ?? 0.42)) {
          await abandon(now, 'challenge_failed')
          continue
        }
        const challenge = { kind: p.verifier.kind, passed: true, ms: Math.round(now - p.verifier.startedAt) }
        await decideAndShow([...p.embeddings, now1], { ...p.evidence, decision: 'live', challenge }, p.startedAt)
        continue
      }

      if (!quality.ok) {
        show('quality', quality.reasons[0] ?? null)
        continue
      }
      const strictness = settings?.livenessStrictness ?? 'normal'
      const t1 = performance.now()
      track.add(await pipeline.embed(frame, face))
      const t2 = performance.now()
      perf.stage('embed', t2 - t1)
      if (strictness !== 'off') {
        frameLiveness.push(await liveness.score(frame, face))
        perf.stage('liveness', performance.now() - t2)
      }
      if (!track.ready) {
        show('verifying')
        continue
      }
      const startedAt = track.startedAt
      const embeddings = track.take()
      // the admin may have changed the level or strictness since the last face
      settings = (await settingsOf()) ?? settings
      if (settings) useKioskStore.getState().setSettings(settings)
      if ((settings?.livenessStrictness ?? strictness) === 'off') {
        await decideAndShow(embeddings, undefined, startedAt)
        continue
      }
      const evidence = summarizeTrackLiveness(frameLiveness, summarizeTemporal(motion))
      frameLiveness = []
      motion = []
      const alwaysAsk = settings?.livenessStrictness === 'strict' || settings?.securityLevel === 'very-high'
      if (evidence.decision === 'liveness_uncertain' || (evidence.decision === 'live' && alwaysAsk)) {
        const verifier = new ChallengeVerifier(pickChallenge(), now)
        pending = { verifier, embeddings, evidence: { ...evidence, decision: 'live' }, startedAt }
        show('challenge', verifier.kind)
        continue
      }
      await decideAndShow(embeddings, evidence, startedAt)
    } catch (err) {
      // one bad frame (or a transient model/runtime error) must not stop the kiosk
      useKioskStore.getState().setPhase('server-error', err instanceof Error ? err.message : String(err))
      track.reset()
      newFace()
      pending = null
      await sleep(ERROR_BACKOFF_MS)
    }
  }
}
