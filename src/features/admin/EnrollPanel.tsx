import { useEffect, useRef, useState } from 'react'
import { CredentialsSection } from './CredentialsSection'
import type { ApiClient } from '../../api/api-client'
import { t, type Lang, type MessageKey } from '../../i18n/messages'
import type { ApiError } from '../../shared/api/result'
import type { Person } from '../../shared/domain/types'
import { cosine } from '../../shared/face/match'
import { whenReady } from '../../store/kiosk-actions'
import { useKioskLoop } from '../kiosk/kiosk-loop-context'
import { chooseSubject, type DetectedFace } from '../../vision/core/face-pipeline'
import { assessQuality } from '../../vision/core/quality'
import { captureQuality, ENROLL_POSE_QUALITY, enrollActions, EnrollSession, MAX_CAPTURES, MIN_CAPTURES, poseMatches, SAME_PICTURE_COSINE, STABLE_FRAMES, type Capture } from '../enroll/enroll-steps'
import { ConsentFields } from './ConsentFields'
import { ta } from './messages'
import { errorText, te, type EnrollMessageKey } from '../enroll/messages'

/** Guided camera enrollment of one person (poses, live quality, liveness). */
export type EnrollPanelProps = { api: ApiClient; token: string; person: Person; lang: Lang; onDone: () => void }

type Hint = { kind: 'enroll'; key: EnrollMessageKey; n?: number } | { kind: 'quality'; reason: string }

/**
 * Uses the kiosk's own camera and models (recognition is paused while admin is open): each frame is
 * detected, quality-gated with enrollment's stricter limits, checked for the pose asked for and for a
 * live face, and after a few good frames in a row its embedding is stored as a template. Nothing but
 * the embedding leaves the renderer; no frame is kept.
 */
export function EnrollPanel({ api, token, person, lang, onDone }: EnrollPanelProps) {
  const loop = useKioskLoop()
  const videoRef = useRef<HTMLVideoElement>(null)
  const sessionRef = useRef(new EnrollSession())
  /** embeddings stored so far (to skip a still frame captured twice); survives a loop restart */
  const storedRef = useRef<Float32Array[]>([])
  const [captures, setCaptures] = useState<Capture[]>([])
  const [hint, setHint] = useState<Hint>({ kind: 'enroll', key: 'enroll.no-face' })
  const [step, setStep] = useState(sessionRef.current.step)
  const [error, setError] = useState<string | null>(null)
  const [finished, setFinished] = useState(false)
  const [tick, setTick] = useState(0)
  /** UU PDP: the camera starts only once the person's consent is on file or taken now (the admin's name) */
  const [consentBy, setConsentBy] = useState<string | null>(null)
  const [consentReady, setConsentReady] = useState(person.consent !== undefined)

  useEffect(() => {
    if (!consentReady) return
    let cancelled = false
    const session = sessionRef.current
    const embeddings = storedRef.current
    const run = async () => {
      // admin may open while the models load or the camera reopens: wait for both (up to a minute)
      setHint({ kind: 'enroll', key: 'enroll.loading' })
      const vision = await whenReady(() => loop.vision)
      const cam = await whenReady(() => loop.camera)
      if (cancelled) return
      if (!vision) {
        setError(te(lang, 'enroll.loading'))
        return
      }
      if (!cam) {
        setError(te(lang, 'enroll.no-camera'))
        return
      }
      const video = videoRef.current
      if (video && cam.video.srcObject) {
        video.srcObject = cam.video.srcObject
        void video.play().catch(() => undefined)
      }
      while (!cancelled && !session.done) {
        await cam.nextFrame()
        if (cancelled) return
        const frame = cam.grab()
        if (!frame) continue
        const faces = await vision.pipeline.detect(frame)
        const choice = chooseSubject(faces, frame.width, frame.height)
        if (choice.kind !== 'one') {
          session.observe(false)
          setHint({ kind: 'enroll', key: choice.kind === 'none' ? 'enroll.no-face' : 'enroll.several-faces' })
          continue
        }
        const face = faces[choice.index] as DetectedFace
        const q = assessQuality(frame, face, ENROLL_POSE_QUALITY)
        const target = session.step
        if (!target) break
        if (!q.ok) {
          session.observe(false)
          setHint({ kind: 'quality', reason: q.reasons[0] ?? 'blurred' })
          continue
        }
        if (!poseMatches(target, q.metrics)) {
          session.observe(false)
          setHint({ kind: 'enroll', key: 'enroll.wrong-pose' })
          continue
        }
        const live = await vision.liveness.score(frame, face)
        // an admin stands beside the person: refuse what the model calls a picture outright, not the
        // faces a camera's light makes it doubt (the kiosk's own decision takes a whole presentation)
        if (live.outcome === 'spoof') {
          session.observe(false)
          setHint({ kind: 'enroll', key: 'enroll.not-live' })
          continue
        }
        if (!session.observe(true)) {
          setHint({ kind: 'enroll', key: 'enroll.hold', n: STABLE_FRAMES - session.stableFrames })
          continue
        }
        const embedding = await vision.pipeline.embed(frame, face)
        if (embeddings.some((e) => cosine(e, embedding) > SAME_PICTURE_COSINE)) {
          session.rejected()
          setHint({ kind: 'enroll', key: 'enroll.same-picture' })
          continue
        }
        const quality = captureQuality(q.metrics)
        const info = vision.pipeline.embedderInfo
        const r = await api.invoke('enrollment/add-template', {
          token,
          personId: person.id,
          modelId: info.modelId,
          modelVersion: info.modelVersion,
          embedding: Array.from(embedding),
          quality,
          // recorded with the first template stored (the core refuses a face without consent)
          ...(consentBy !== null ? { consentBy } : {}),
        })
        if (cancelled) return
        if (!r.ok) {
          setError(errorText(lang, r.error as ApiError & { details?: Record<string, unknown> }, person.id))
          return
        }
        embeddings.push(embedding)
        const m = q.metrics
        session.captured({
          step: target,
          templateId: r.data.templateId,
          quality,
          liveness: live.score,
          metrics: { faceWidthPx: Math.round(m.faceWidthPx), sharpness: m.sharpness, brightness: m.brightness, yawDeg: m.yawDeg, pitchDeg: m.pitchDeg },
        })
        setCaptures([...session.captures])
        setStep(session.step)
      }
      if (!cancelled && session.done) setFinished(true)
    }
    run().catch((err: unknown) => setError(te(lang, 'err.other', { message: err instanceof Error ? err.message : String(err) })))
    return () => {
      cancelled = true
    }
    // `tick` restarts the loop after "skip"
  }, [api, token, person.id, lang, tick, consentReady, consentBy])

  const s = sessionRef.current
  const stepKey: EnrollMessageKey | null = step ? (`enroll.step.${step}` as EnrollMessageKey) : null
  const hintText = hint.kind === 'quality' ? t(lang, `quality.${hint.reason}` as MessageKey) : te(lang, hint.key, { n: hint.n ?? 0 })
  return (
    <section className="enroll" data-testid="enroll-panel" data-person={person.id} data-captures={captures.length} data-steps={captures.map((c) => c.step).join(',')} data-done={finished ? 'yes' : 'no'}>
      <h2>{te(lang, 'enroll.title', { name: person.name })}</h2>
      {!consentReady ? (
        <div className="enroll-consent" data-testid="enroll-consent">
          <ConsentFields lang={lang} name={person.name} onChange={setConsentBy} />
          <button type="button" className="admin-btn admin-btn-primary" data-testid="enroll-consent-start" disabled={consentBy === null} onClick={() => setConsentReady(true)}>
            {ta(lang, 'consent.start')}
          </button>
        </div>
      ) : null}
      <div className="enroll-view">
        <video ref={videoRef} className="enroll-video" muted playsInline />
        <div className="face-guide" aria-hidden="true" />
      </div>
      {error ? (
        <div className="enroll-error" role="alert" data-testid="enroll-error">
          {error}
        </div>
      ) : finished ? (
        <div className="enroll-done" data-testid="enroll-done">
          {te(lang, 'enroll.done', { n: captures.length, name: person.name })}
        </div>
      ) : (
        <div className="enroll-prompt">
          <div className="enroll-step" data-testid="enroll-step" data-step={step ?? ''}>
            {stepKey ? te(lang, stepKey) : null}
          </div>
          <div className="enroll-hint" data-testid="enroll-hint">
            {hintText}
          </div>
        </div>
      )}
      <div className="enroll-count">{te(lang, 'enroll.captured', { n: captures.length, min: MIN_CAPTURES, max: MAX_CAPTURES })}</div>
      {captures.length > 0 ? (
        <table className="enroll-captures" data-testid="enroll-captures">
          <thead>
            <tr>
              <th>{te(lang, 'enroll.col.pose')}</th>
              <th>{te(lang, 'enroll.col.quality')}</th>
              <th>{te(lang, 'enroll.col.size')}</th>
              <th>{te(lang, 'enroll.col.sharp')}</th>
              <th>{te(lang, 'enroll.col.light')}</th>
              <th>{te(lang, 'enroll.col.angle')}</th>
              <th>{te(lang, 'enroll.col.live')}</th>
            </tr>
          </thead>
          <tbody>
            {captures.map((c) => (
              <tr key={c.templateId}>
                <td>{te(lang, `enroll.step.${c.step}` as EnrollMessageKey)}</td>
                <td>{Math.round(c.quality * 100)}%</td>
                <td>{c.metrics.faceWidthPx} px</td>
                <td>{c.metrics.sharpness.toFixed(3)}</td>
                <td>{Math.round(c.metrics.brightness)}</td>
                <td>
                  {Math.round(c.metrics.yawDeg)}° / {Math.round(c.metrics.pitchDeg)}°
                </td>
                <td>{c.liveness.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="enroll-actions">
        {enrollActions({ finished, canFinish: s.canFinish, error: error !== null }).map((a) =>
          a === 'skip' ? (
            <button
              key={a}
              type="button"
              data-testid="enroll-skip"
              onClick={() => {
                s.skip()
                setStep(s.step)
                if (s.done) setFinished(true)
                else setTick((x) => x + 1)
              }}
            >
              {te(lang, 'enroll.skip')}
            </button>
          ) : (
            <button key={a} type="button" data-testid={`enroll-${a}`} onClick={onDone}>
              {te(lang, a === 'finish' ? 'enroll.finish' : 'enroll.cancel')}
            </button>
          ),
        )}
      </div>
      {/* the person may choose their kiosk PIN here (issue #12) */}
      {finished || s.canFinish ? <CredentialsSection api={api} personId={person.id} /> : null}
    </section>
  )
}
