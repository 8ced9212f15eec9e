/**
 * The one place admin mode touches the kiosk loop: recognition pauses while admin mode is shown
 * (nobody is checked in while an admin stands at the kiosk) and resumes afterwards.
 */
import { pauseKiosk, resumeKiosk } from '../../store/kiosk-actions'

export function pauseRecognition(): void {
  pauseKiosk()
}

export function resumeRecognition(): void {
  resumeKiosk()
}
