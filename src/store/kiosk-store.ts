import { create, type StateCreator } from 'zustand'
import type { HostInfo, KioskSettings, RecentCheckIn, SyncStatus } from '../shared/api/contract'
import type { AttendanceEvent, Direction, Identification } from '../shared/domain/types'
import type { Lang } from '../i18n/messages'

/** What the kiosk screen is showing. Only these transitions enter the store; per-frame data stays in refs. */
export type KioskPhase =
  | 'starting'
  | 'loading'
  | 'looking'
  | 'quality'
  | 'verifying'
  | 'challenge'
  | 'challenge-retry'
  | 'refused'
  | 'recognised'
  | 'already-recorded'
  | 'not-recognised'
  | 'ask-direction'
  | 'ask-expired'
  | 'one-at-a-time'
  | 'no-camera'
  | 'camera-refused'
  | 'camera-lost'
  | 'model-error'
  | 'server-error'

/** A recorded or already-recorded outcome on screen; `workedTodayMs` from the core (hours of this work day). */
export type Banner = { name: string; event: AttendanceEvent; identification: Identification; workedTodayMs?: number }

/**
 * Ask mode: the recognised person taps in or out. With `suggested`: a change of direction soon after
 * `last` ("Check out now?"), answered yes (kiosk/confirm) or no (nothing recorded).
 */
export type AskDirection = { ticket: string; name: string; expiresAt: number; suggested?: Direction; last?: AttendanceEvent; identification?: Identification }

/** The kiosk's sounds (kiosk-actions.ts); counted for the end-to-end tests. */
export type ToneKind = 'in' | 'out' | 'already' | 'ask' | 'bad'

export type SessionSlice = {
  phase: KioskPhase
  ask: AskDirection | null
  askDirection: (ask: AskDirection) => void
  banner: Banner | null
  /** technical detail for error phases (e.g. which model file), or the quality reason code */
  detail: string | null
  /** ms from the face entering the view to the last decision (for diagnostics and the benchmark) */
  lastDecisionMs: number | null
  /** epoch ms when the kiosk first became ready (models loaded, camera open), for the start-up benchmark */
  readyAt: number | null
  /** epoch ms of the first decision shown after start */
  firstDecisionAt: number | null
  markReady: () => void
  setPhase: (phase: KioskPhase, detail?: string | null) => void
  showBanner: (phase: 'recognised' | 'already-recorded', banner: Banner) => void
  setDecisionMs: (ms: number) => void
  /** sounds played since start, by kind (data-tones on the kiosk screen; the e2e counts them) */
  tones: Record<ToneKind, number>
  countTone: (kind: ToneKind) => void
}

export type HostSlice = {
  hostInfo: HostInfo | null
  lang: Lang
  /** the settings as last read (camera, sound, rules, kiosk name) */
  settings: KioskSettings | null
  /** the host answered the last call */
  online: boolean
  /** today's last check-ins */
  recent: RecentCheckIn[]
  /** HR sync, for the small status on the kiosk screen */
  sync: SyncStatus | null
  setSync: (sync: SyncStatus | null) => void
  setHostInfo: (info: HostInfo) => void
  setLang: (lang: Lang) => void
  setSettings: (s: KioskSettings) => void
  setOnline: (online: boolean) => void
  setRecent: (recent: RecentCheckIn[]) => void
}

export type KioskState = SessionSlice & HostSlice

/** A PIN / badge fallback is on in settings: a refused or unknown face is told to use the PIN. */
export const pinFallbackOn = (s: KioskState): boolean => (s.settings?.fallback?.mode ?? 'off') !== 'off'

const createSessionSlice: StateCreator<KioskState, [], [], SessionSlice> = (set) => ({
  phase: 'starting',
  ask: null,
  askDirection: (ask) => set({ phase: 'ask-direction', ask, banner: null, detail: null }),
  banner: null,
  detail: null,
  lastDecisionMs: null,
  setPhase: (phase, detail = null) => set({ phase, detail, banner: null, ask: null }),
  setDecisionMs: (lastDecisionMs) => set((s) => ({ lastDecisionMs, firstDecisionAt: s.firstDecisionAt ?? Date.now() })),
  readyAt: null,
  firstDecisionAt: null,
  markReady: () => set((s) => (s.readyAt === null ? { readyAt: Date.now() } : {})),
  showBanner: (phase, banner) => set({ phase, banner, detail: null, ask: null }),
  tones: { in: 0, out: 0, already: 0, ask: 0, bad: 0 },
  countTone: (kind) => set((s) => ({ tones: { ...s.tones, [kind]: s.tones[kind] + 1 } })),
})

const createHostSlice: StateCreator<KioskState, [], [], HostSlice> = (set) => ({
  hostInfo: null,
  lang: 'id',
  settings: null,
  online: true,
  recent: [],
  sync: null,
  setSync: (sync) => set({ sync }),
  setHostInfo: (hostInfo) => set({ hostInfo }),
  setLang: (lang) => set({ lang }),
  setSettings: (settings) => set({ settings }),
  setOnline: (online) => set((s) => (s.online === online ? s : { online })),
  setRecent: (recent) => set({ recent }),
})

export const useKioskStore = create<KioskState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createHostSlice(...a),
}))
