import { create, type StateCreator } from 'zustand'
import type { AdminSession } from '../shared/api/contract'

/** Admin mode leaves after this long without pointer or keyboard activity. */
export const ADMIN_IDLE_MS = 2 * 60_000

/** closed: the kiosk; pin: the PIN pad over it; open: admin screens (a session token is held). */
export type AdminMode = 'closed' | 'pin' | 'open'
export type AdminTab = 'people' | 'attendance' | 'review' | 'schedules' | 'settings' | 'sync' | 'diagnostics' | 'audit'
export const ADMIN_TABS: readonly AdminTab[] = ['people', 'attendance', 'review', 'schedules', 'settings', 'sync', 'diagnostics', 'audit']

export type AdminSessionSlice = {
  mode: AdminMode
  /** the session token of admin/login or admin/set-pin; null when no session */
  token: string | null
  expiresAt: number | null
  /** show the PIN pad (no-op when admin is already open) */
  openPin: () => void
  /** a session was granted: admin screens open on the People tab */
  startSession: (session: AdminSession) => void
  /** a new token for the open session (after a PIN change) */
  renewSession: (session: AdminSession) => void
  /** back to the kiosk: forgets the token (Cancel, Exit, idle, or the host said `admin-required`) */
  close: () => void
}

export type AdminTabSlice = {
  tab: AdminTab
  setTab: (tab: AdminTab) => void
}

export type AdminIdleSlice = {
  /** last pointer or keyboard activity while admin mode is shown, epoch ms */
  lastActivityAt: number
  touch: (now?: number) => void
}

export type AdminState = AdminSessionSlice & AdminTabSlice & AdminIdleSlice

const createSessionSlice: StateCreator<AdminState, [], [], AdminSessionSlice> = (set, get) => ({
  mode: 'closed',
  token: null,
  expiresAt: null,
  openPin: () => {
    if (get().mode === 'closed') set({ mode: 'pin', lastActivityAt: Date.now() })
  },
  startSession: ({ token, expiresAt }) => set({ mode: 'open', token, expiresAt, tab: 'people', lastActivityAt: Date.now() }),
  renewSession: ({ token, expiresAt }) => set({ token, expiresAt }),
  close: () => set({ mode: 'closed', token: null, expiresAt: null }),
})

const createTabSlice: StateCreator<AdminState, [], [], AdminTabSlice> = (set) => ({
  tab: 'people',
  setTab: (tab) => set({ tab }),
})

const createIdleSlice: StateCreator<AdminState, [], [], AdminIdleSlice> = (set) => ({
  lastActivityAt: 0,
  touch: (now = Date.now()) => set({ lastActivityAt: now }),
})

export const useAdminStore = create<AdminState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createTabSlice(...a),
  ...createIdleSlice(...a),
}))

/** Admin mode is shown and nobody has touched it for ADMIN_IDLE_MS. */
export function isAdminIdle(state: Pick<AdminState, 'mode' | 'lastActivityAt'>, now: number): boolean {
  return state.mode !== 'closed' && now - state.lastActivityAt >= ADMIN_IDLE_MS
}
