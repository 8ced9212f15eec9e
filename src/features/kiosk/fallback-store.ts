import { create } from 'zustand'

/** Who the PIN is for: a typed employee id, a badge read, or a recognised face (face AND PIN). */
export type PinFor = { via: 'pin'; employeeId: string } | { via: 'badge'; badge: string } | { via: 'face'; ticket: string; name: string; expiresAt: number }

export type FallbackPanel = null | { step: 'id' } | ({ step: 'pin' } & PinFor)

export type FallbackNote = { kind: 'error' | 'ok' | 'already'; code: string | null; title: string; sub?: string }

export type FallbackState = {
  panel: FallbackPanel
  pin: string
  employeeId: string
  busy: boolean
  note: FallbackNote | null
  open(panel: FallbackPanel): void
  setPin(pin: string): void
  setEmployeeId(id: string): void
  setBusy(busy: boolean): void
  /** a message on the panel (or alone, when the panel is closed: e.g. a badge read as garbage) */
  setNote(note: FallbackNote | null): void
  close(): void
}

/** The kiosk's PIN pad and badge state (features/kiosk/PinEntry.tsx, BadgeListener.tsx). */
export const useFallbackStore = create<FallbackState>()((set) => ({
  panel: null,
  pin: '',
  employeeId: '',
  busy: false,
  note: null,
  open: (panel) => set({ panel, pin: '', busy: false, note: null, ...(panel?.step === 'id' ? { employeeId: '' } : {}) }),
  setPin: (pin) => set({ pin }),
  setEmployeeId: (employeeId) => set({ employeeId }),
  setBusy: (busy) => set({ busy }),
  setNote: (note) => set({ note }),
  close: () => set({ panel: null, pin: '', employeeId: '', busy: false }),
}))

/** face AND PIN: kiosk/recognize answered needs-pin (kiosk-actions showOutcome). */
export function askFacePin(ticket: string, name: string, expiresAt: number): void {
  useFallbackStore.getState().open({ step: 'pin', via: 'face', ticket, name, expiresAt })
}
