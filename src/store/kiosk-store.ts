import { create, type StateCreator } from 'zustand'
import type { HostInfo } from '../shared/api/contract'
import type { AttendanceEvent, Identification } from '../shared/domain/types'
import type { Lang } from '../i18n/messages'

/** What the kiosk screen is showing. Only these transitions enter the store; per-frame data stays in refs. */
export type KioskPhase =
  | 'starting'
  | 'loading'
  | 'looking'
  | 'quality'
  | 'verifying'
  | 'challenge'
  | 'refused'
  | 'recognised'
  | 'already-recorded'
  | 'not-recognised'
  | 'one-at-a-time'
  | 'no-camera'
  | 'camera-refused'
  | 'camera-lost'
  | 'model-error'
  | 'server-error'

export type Banner = { name: string; event: AttendanceEvent; identification: Identification }

export type SessionSlice = {
  phase: KioskPhase
  banner: Banner | null
  /** technical detail for error phases (e.g. which model file), or the quality reason code */
  detail: string | null
  /** ms from the face entering the view to the last decision (for diagnostics and the benchmark) */
  lastDecisionMs: number | null
  setPhase: (phase: KioskPhase, detail?: string | null) => void
  showBanner: (phase: 'recognised' | 'already-recorded', banner: Banner) => void
  setDecisionMs: (ms: number) => void
}

export type HostSlice = {
  hostInfo: HostInfo | null
  lang: Lang
  setHostInfo: (info: HostInfo) => void
  setLang: (lang: Lang) => void
}

export type KioskState = SessionSlice & HostSlice

const createSessionSlice: StateCreator<KioskState, [], [], SessionSlice> = (set) => ({
  phase: 'starting',
  banner: null,
  detail: null,
  lastDecisionMs: null,
  setPhase: (phase, detail = null) => set({ phase, detail, banner: null }),
  setDecisionMs: (lastDecisionMs) => set({ lastDecisionMs }),
  showBanner: (phase, banner) => set({ phase, banner, detail: null }),
})

const createHostSlice: StateCreator<KioskState, [], [], HostSlice> = (set) => ({
  hostInfo: null,
  lang: 'id',
  setHostInfo: (hostInfo) => set({ hostInfo }),
  setLang: (lang) => set({ lang }),
})

export const useKioskStore = create<KioskState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createHostSlice(...a),
}))
