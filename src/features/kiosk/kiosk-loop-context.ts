import { createContext, useContext } from 'react'
import type { KioskLoop } from '../../store/kiosk-loop'

/** The app's one kiosk loop (made in main.tsx): the kiosk screen starts it, admin pauses it and borrows its camera and models. */
export const KioskLoopContext = createContext<KioskLoop | null>(null)

export function useKioskLoop(): KioskLoop {
  const loop = useContext(KioskLoopContext)
  if (!loop) throw new Error('useKioskLoop outside <KioskLoopContext.Provider>: main.tsx provides the kiosk loop')
  return loop
}
