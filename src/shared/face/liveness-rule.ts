/**
 * The liveness rule both sides apply: the renderer to decide a track, the main side to re-check the
 * evidence the renderer sends (electron/server/handlers.ts). Pure: scores in, decision out.
 */
import type { LivenessEvidence, TemporalEvidence } from '../domain/types'

export type LivenessReason = 'spoof_detected' | 'liveness_uncertain' | 'quality_low'

/** The fused passive score's cut-offs. */
export type LivenessThresholds = {
  /** live when the fused score reaches this */
  threshold: number
  /**
   * a refused face whose score is within this of the threshold is `liveness_uncertain` (ask for
   * more frames or a challenge) rather than `spoof_detected`
   */
  uncertainBand: number
}

/** Shipped cut-offs (figures in vision/core/liveness.ts, LIVENESS_DEFAULTS). */
export const LIVENESS_THRESHOLDS: LivenessThresholds = { threshold: 0.5, uncertainBand: 0.15 }

/** The decision and its reasons for a fused score. */
export function decideLiveness(score: number, o: LivenessThresholds = LIVENESS_THRESHOLDS): { live: boolean; reasons: LivenessReason[] } {
  if (score >= o.threshold) return { live: true, reasons: [] }
  return { live: false, reasons: [score >= o.threshold - o.uncertainBand ? 'liveness_uncertain' : 'spoof_detected'] }
}

/**
 * The temporal rule on top of the passive decision: a picture moved rigidly is at best uncertain
 * (a challenge decides); temporal evidence never turns a refusal into "live". The main side applies
 * the same rule to the evidence it receives.
 */
export function temporalDecision(passive: LivenessEvidence['decision'], temporal: TemporalEvidence | null | undefined): LivenessEvidence['decision'] {
  return passive === 'live' && temporal?.rigidMotion === true ? 'liveness_uncertain' : passive
}
