/**
 * The kiosk's recognition loop as one owned object: host info, then the models and the camera (in
 * parallel), then one decision step per camera frame. The app makes exactly one (main.tsx) and hands
 * it to the screens through KioskLoopContext; `start` on a loop that is already running is refused,
 * so a second loop cannot start by accident, and tests can make their own.
 *
 * Lifecycle: new → start(video) → running (pause()/resume() while admin mode has the screen;
 * restartCamera() after sleep) → stop(). State transitions go to the zustand store; per-frame data
 * stays here.
 */
import type { ApiClient } from '../api/api-client'
import { t } from '../i18n/messages'
import { chooseSubject, type DetectedFace } from '../vision/core/face-pipeline'
import { assessQuality, DEFAULT_QUALITY } from '../vision/core/quality'
import { CHALLENGE_DEFAULTS, ChallengeVerifier, pickChallenge } from '../shared/face/challenge-rule'
import type { LivenessResult } from '../vision/core/liveness'
import { greyThumb } from '../vision/core/scene-motion'
import { flattenMesh, planarResidual } from '../vision/core/temporal'
import { TrackLiveness } from '../vision/core/track-liveness'
import { fuseEmbeddings } from '../shared/face/decide'
import { cosine } from '../shared/face/match'
import type { ChallengeKind, LivenessEvidence } from '../shared/domain/types'
import { DEFAULT_TRACK, FaceTrack, iou } from '../vision/core/tracker'
import type { VisionHost } from '../vision/browser/load-vision'
import { CameraError, type Webcam } from '../vision/camera/webcam'
import { ASK_MS, HOLD_RESULT_MS, languageOf, modelErrorDetail, refreshRecent, showOutcome, sleep, type Vision } from './kiosk-actions'
import { perf } from './perf'
import { useKioskStore, type KioskPhase } from './kiosk-store'

/** Pause between frames when nobody is there (keeps the CPU cool on a 2-core kiosk). */
const IDLE_FRAME_MS = 60
/** Pause after an unexpected error in the recognition loop before trying again. */
const ERROR_BACKOFF_MS = 2000
/**
 * How long an outcome stays on screen while a face in the same place is checked again (the core then
 * says whether it is the same presence; its answer refreshes this). Nobody in view clears it at once.
 */
export const KEEP_BANNER_MS = 8000
/** Retry period when the camera is missing or was unplugged. */
const CAMERA_RETRY_MS = 3000

/** Per-frame face boxes for the overlay; kept outside the store on purpose. */
export type FrameListener = (faces: DetectedFace[], width: number, height: number) => void

type Evidence = LivenessEvidence

/** A challenge under way: the prompt, the evidence gathered before it, the mesh when it was asked. */
type Challenge = { verifier: ChallengeVerifier; embeddings: Float32Array[]; evidence: Evidence; startedAt: number; baselineMesh: Float32Array; attempt: 1 | 2 }

export type KioskLoopState = 'new' | 'running' | 'stopped'

/** What the loop needs from the browser: the models and the camera (main.tsx passes the real ones). */
export type KioskLoopDeps = {
  loadVision: (host: VisionHost) => Promise<Vision>
  openWebcam: (video: HTMLVideoElement, deviceId?: string, size?: { width: number; height: number }) => Promise<Webcam>
}

export class KioskLoop {
  private state: KioskLoopState = 'new'
  /** admin mode has the screen: the loop leaves the camera open but decides nothing */
  private paused = false
  private reopenCamera = false
  private currentVision: Vision | null = null
  private currentCam: Webcam | null = null

  constructor(
    private readonly api: ApiClient,
    private readonly deps: KioskLoopDeps,
  ) {}

  get lifecycle(): KioskLoopState {
    return this.state
  }

  private get running(): boolean {
    return this.state === 'running'
  }

  /** The loaded vision pipeline (null while loading or when the models failed). */
  get vision(): Vision | null {
    return this.currentVision
  }

  /** The open camera (null while it is missing). */
  get camera(): Webcam | null {
    return this.currentCam
  }

  get isPaused(): boolean {
    return this.paused
  }

  /** Stops deciding while admin mode is open (the camera stays open for enrollment). */
  pause(): void {
    this.paused = true
  }

  /** Back to recognising; settings changed in admin apply from the next face. */
  resume(): void {
    this.paused = false
  }

  /**
   * Closes and reopens the camera (after the machine slept, the stream is dead without an 'ended'
   * event); the Electron shell calls it on resume.
   */
  restartCamera(): void {
    this.reopenCamera = true
  }

  /** Ends the loop after the current frame; the camera is closed. A stopped loop cannot start again. */
  stop(): void {
    this.state = 'stopped'
  }

  /**
   * Starts the kiosk on `video`: host info → models and camera in parallel → recognition loop.
   * Resolves when the loop ends (stop(), or a start-up failure shown on screen). A second start is
   * refused: one video, one loop.
   */
  async start(video: HTMLVideoElement, onFrame: FrameListener): Promise<void> {
    if (this.state !== 'new') throw new Error(`the kiosk loop is ${this.state}: it starts once`)
    this.state = 'running'
    const api = this.api
    const store = useKioskStore.getState()
    const info = await api.invoke('host/info', {})
    if (!info.ok) {
      store.setPhase('server-error', info.error.message)
      this.state = 'stopped'
      return
    }
    store.setHostInfo(info.data)
    const initial = await api.invoke('settings/get', {})
    if (initial.ok) store.setSettings(initial.data)
    store.setLang(languageOf(initial.ok ? initial.data.language : 'auto', info.data.locale))
    void refreshRecent(api)
    store.setPhase('loading')
    // the models load while the camera opens (each takes about a second on a small kiosk)
    const loading = this.deps.loadVision(info.data).then(
      (v) => ({ ok: true as const, v }),
      (err: unknown) => ({ ok: false as const, err }),
    )
    let cam: Webcam | null = await this.openCamera(video)
    const loaded = await loading
    if (!loaded.ok) {
      store.setPhase('model-error', modelErrorDetail(loaded.err, useKioskStore.getState().lang))
      cam?.close()
      this.state = 'stopped'
      return
    }
    const vision = loaded.v
    this.currentVision = vision
    while (this.running) {
      if (!cam) {
        await sleep(CAMERA_RETRY_MS)
        if (!this.running) break
        cam = await this.openCamera(video)
        if (!cam) continue
      }
      this.currentCam = cam
      useKioskStore.getState().setPhase('looking')
      useKioskStore.getState().markReady()
      let lost = false
      void cam.ended.then(() => {
        lost = true
      })
      try {
        await this.recognitionLoop(vision, cam, onFrame, () => lost || this.reopenCamera)
      } finally {
        this.reopenCamera = false
        this.currentCam = null
        cam.close()
        cam = null
      }
      if (lost) useKioskStore.getState().setPhase('camera-lost')
      else if (this.running) {
        // reopened on purpose (after sleep): at once
        cam = await this.openCamera(video)
      }
    }
  }

  /** Opens the configured camera, or shows why it cannot (null). */
  private async openCamera(video: HTMLVideoElement): Promise<Webcam | null> {
    try {
      const camera = useKioskStore.getState().settings?.camera
      return await this.deps.openWebcam(video, camera?.deviceId ?? undefined, camera ? { width: camera.width, height: camera.height } : undefined)
    } catch (err) {
      const code = err instanceof CameraError ? err.code : 'no-camera'
      useKioskStore.getState().setPhase(code, err instanceof Error ? err.message : null)
      return null
    }
  }

  private async recognitionLoop(vision: Vision, cam: Webcam, onFrame: FrameListener, isLost: () => boolean): Promise<void> {
    const api = this.api
    const { pipeline, liveness } = vision
    const tag = pipeline.embedderInfo
    const track = new FaceTrack(DEFAULT_TRACK)
    /** every frame of the tracked face (box, mesh, thumbnail, passive scores): one liveness decision per presentation */
    const presentation = new TrackLiveness()
    /** a challenge under way, with the evidence gathered before it */
    let pending = null as Challenge | null
    /** this track was decided: nothing more until the face leaves (no re-decision, no check-out by standing) */
    let decided = false
    const settingsOf = async () => {
      const r = await api.invoke('settings/get', {})
      return r.ok ? r.data : null
    }
    let settings = await settingsOf()
    if (settings) useKioskStore.getState().setSettings(settings)
    /** the outcome on screen stays while the face it was for is checked again (same place, soon) */
    let keepBannerUntil = 0
    let decidedBox: DetectedFace['box'] | null = null
    const show = (phase: KioskPhase, detail: string | null = null) => {
      const s = useKioskStore.getState()
      const onScreen = s.phase === 'recognised' || s.phase === 'already-recorded'
      if (onScreen && (phase === 'verifying' || phase === 'quality' || phase === 'looking') && performance.now() < keepBannerUntil) return
      if (s.phase !== phase || s.detail !== detail) s.setPhase(phase, detail)
    }
    const decideAndShow = async (embeddings: Float32Array[], evidence: Evidence | undefined, startedAt: number) => {
      decided = true
      pending = null
      presentation.reset()
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
      keepBannerUntil = r.ok && (r.data.kind === 'recorded' || r.data.kind === 'already-recorded') ? performance.now() + HOLD_RESULT_MS + KEEP_BANNER_MS : 0
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
    /** A prompt with its verifier; the first failure gets one retry with another prompt. */
    const ask = (embeddings: Float32Array[], evidence: Evidence, startedAt: number, now: number, mesh: Float32Array, attempt: 1 | 2, not: ChallengeKind | null = null) => {
      const leansToAttack = (evidence.track?.follow ?? 0) > 0 || evidence.score < 0.1
      const kind = pickChallenge(Math.random, { turnsOnly: leansToAttack, not })
      pending = { verifier: new ChallengeVerifier(kind, now), embeddings, evidence, startedAt, baselineMesh: mesh, attempt }
      show(attempt === 1 ? 'challenge' : 'challenge-retry', kind)
    }
    /** A challenge that ends without a pass (face gone, another face, time up, twice) is a refusal, audited. */
    const fail = async (now: number, reason: 'challenge_failed' | 'timeout', mesh: Float32Array | null, retry: boolean) => {
      const p = pending
      if (!p) return
      if (retry && p.attempt === 1 && mesh) {
        ask(p.embeddings, p.evidence, p.startedAt, now, mesh, 2, p.verifier.kind)
        return
      }
      const challenge = { kind: p.verifier.kind, passed: false, ms: Math.round(now - p.verifier.startedAt), samples: p.verifier.samples }
      await decideAndShow(p.embeddings, { ...p.evidence, decision: reason, challenge }, p.startedAt)
    }
    /** The face is a new one: forget the last decision and any evidence. */
    const newFace = () => {
      decided = false
      presentation.reset()
    }

    while (this.running && !isLost()) {
      // one decision step per new camera frame; this await also yields to the browser every time
      await cam.nextFrame()
      if (this.paused) {
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
          if (gone) keepBannerUntil = 0
          if (pending && (gone || pending.verifier.expire(now) === 'timeout')) {
            await fail(now, gone ? 'challenge_failed' : 'timeout', null, false)
            continue
          }
          if (gone) newFace()
          if (!decided) show(pending ? (pending.attempt === 1 ? 'challenge' : 'challenge-retry') : 'looking', pending ? pending.verifier.kind : null)
          await sleep(IDLE_FRAME_MS)
          continue
        }
        const choice = chooseSubject(faces, frame.width, frame.height)
        if (choice.kind !== 'one') {
          if (pending) await fail(now, 'challenge_failed', null, false)
          track.reset()
          newFace()
          keepBannerUntil = 0
          show('one-at-a-time')
          continue
        }
        const face = faces[choice.index] as DetectedFace
        if (track.observe(face.box, now)) {
          // someone else: what was gathered (or asked) belonged to the face before
          if (pending) {
            await fail(now, 'challenge_failed', null, false)
            continue
          }
          newFace()
          // a face somewhere else is someone new: the last outcome is not theirs
          if (decidedBox === null || iou(face.box, decidedBox) < DEFAULT_TRACK.minIou) keepBannerUntil = 0
        }
        if (!decided) decidedBox = face.box
        if (decided) {
          // the banner stays while the same person stands there
          await sleep(IDLE_FRAME_MS)
          continue
        }
        const quality = assessQuality(frame, face, DEFAULT_QUALITY)
        const mesh = flattenMesh(face.mesh)

        if (pending) {
          // the prompt itself asks for a turned head or closed eyes: no quality gate while it runs
          const p = pending
          const state = p.verifier.feed({ t: now, yawDeg: quality.metrics.yawDeg, eyeOpenness: quality.metrics.eyeOpenness })
          if (state === 'pending') {
            show(p.attempt === 1 ? 'challenge' : 'challenge-retry', p.verifier.kind)
            continue
          }
          if (state === 'timeout') {
            await fail(now, 'timeout', mesh, true)
            continue
          }
          // passed: a turn must have changed the face's shape as a head does (a flat picture turned does not)
          const turnNonPlanarity = p.verifier.kind === 'blink' ? null : Math.round(planarResidual(p.baselineMesh, mesh) * 1e4) / 1e4
          if (turnNonPlanarity !== null && !(turnNonPlanarity >= CHALLENGE_DEFAULTS.minTurnNonPlanarity)) {
            await fail(now, 'challenge_failed', mesh, true)
            continue
          }
          // and it must still be the same face as the one gathered before the prompt
          const now1 = await pipeline.embed(frame, face)
          if (cosine(fuseEmbeddings(p.embeddings), now1) < (settings?.thresholds.normal ?? 0.42)) {
            await fail(now, 'challenge_failed', null, false)
            continue
          }
          const challenge = { kind: p.verifier.kind, passed: true, ms: Math.round(now - p.verifier.startedAt), samples: p.verifier.samples, turnNonPlanarity }
          await decideAndShow([...p.embeddings, now1], { ...p.evidence, decision: 'live', challenge }, p.startedAt)
          continue
        }

        const strictness = settings?.livenessStrictness ?? 'normal'
        const t1 = performance.now()
        let passive: LivenessResult | null = null
        if (quality.ok) {
          // three embeddings are enough to know who it is; later frames only add liveness evidence
          if (!track.ready) {
            track.add(await pipeline.embed(frame, face))
            perf.stage('embed', performance.now() - t1)
          }
          if (strictness !== 'off') {
            const t2 = performance.now()
            passive = await liveness.score(frame, face)
            perf.stage('liveness', performance.now() - t2)
          }
        }
        if (strictness !== 'off') {
          presentation.add({ t: now, box: face.box, mesh, eyeOpenness: quality.metrics.eyeOpenness, yawDeg: quality.metrics.yawDeg, thumb: greyThumb(frame), passive })
        }
        if (!track.ready) {
          show(quality.ok ? 'verifying' : 'quality', quality.ok ? null : (quality.reasons[0] ?? null))
          continue
        }
        // the admin may have changed the level or strictness since the last face
        if (strictness === 'off') {
          settings = (await settingsOf()) ?? settings
          if ((settings?.livenessStrictness ?? strictness) === 'off') {
            await decideAndShow(track.take(), undefined, track.startedAt)
            continue
          }
        }
        const evidence = presentation.ready()
        if (!evidence) {
          show('verifying')
          continue
        }
        const startedAt = track.startedAt
        const embeddings = track.take()
        settings = (await settingsOf()) ?? settings
        if (settings) useKioskStore.getState().setSettings(settings)
        const alwaysAsk = settings?.livenessStrictness === 'strict' || settings?.securityLevel === 'very-high'
        if (evidence.track.outcome === 'challenge' || (evidence.track.outcome === 'live' && alwaysAsk)) {
          ask(embeddings, { ...evidence, decision: 'live' }, startedAt, now, mesh, 1)
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
}
