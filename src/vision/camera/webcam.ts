import type { RgbFrame } from '../core/frame'

/** Why the camera is not giving frames. */
export type CameraErrorCode = 'no-camera' | 'camera-refused' | 'camera-lost'

export class CameraError extends Error {
  override name = 'CameraError'
  constructor(
    readonly code: CameraErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** An open camera: a playing <video> and a frame grabber. No frame is ever stored. */
export type Webcam = {
  video: HTMLVideoElement
  /** current frame as RGBA pixels, or null while the video has no frame yet */
  grab(): RgbFrame | null
  /**
   * Resolves when the camera has a new frame (or after `maxWaitMs`). Always yields to the event loop,
   * so a recognition loop never starves rendering and input.
   */
  nextFrame(maxWaitMs?: number): Promise<void>
  /** resolves when the camera track ends (cable pulled, device lost) */
  ended: Promise<void>
  close(): void
}

/** Maps getUserMedia's DOMException names to our codes. */
export function cameraErrorFrom(err: unknown): CameraError {
  const name = err instanceof Error ? err.name : ''
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    return new CameraError('camera-refused', 'camera access was refused')
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError' || name === 'NotReadableError') {
    return new CameraError('no-camera', `no usable camera (${name})`)
  }
  return new CameraError('no-camera', `camera failed: ${err instanceof Error ? err.message : String(err)}`)
}

/** Opens the camera (the first device unless `deviceId` is given) at the given resolution (default 1280×720, ideal not exact). */
export async function openWebcam(video: HTMLVideoElement, deviceId?: string, size: { width: number; height: number } = { width: 1280, height: 720 }): Promise<Webcam> {
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraError('no-camera', 'this browser has no camera API')
  let stream: MediaStream
  try {
    const dims = { width: { ideal: size.width }, height: { ideal: size.height } }
    stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: deviceId ? { deviceId: { exact: deviceId }, ...dims } : dims })
  } catch (err) {
    throw cameraErrorFrom(err)
  }
  const track = stream.getVideoTracks()[0]
  if (!track) throw new CameraError('no-camera', 'the camera gave no video track')
  video.srcObject = stream
  video.muted = true
  video.playsInline = true
  await video.play()
  const ended = new Promise<void>((resolve) => track.addEventListener('ended', () => resolve(), { once: true }))
  const canvas = document.createElement('canvas')
  const ctx = canvas.getContext('2d', { willReadFrequently: true })
  if (!ctx) throw new CameraError('no-camera', 'no 2D canvas for frame capture')
  return {
    video,
    grab() {
      const w = video.videoWidth
      const h = video.videoHeight
      if (!w || !h || video.readyState < 2) return null
      if (canvas.width !== w) canvas.width = w
      if (canvas.height !== h) canvas.height = h
      ctx.drawImage(video, 0, 0, w, h)
      const img = ctx.getImageData(0, 0, w, h)
      return { data: img.data, width: w, height: h, channels: 4 }
    },
    nextFrame(maxWaitMs = 200) {
      return new Promise<void>((resolve) => {
        let done = false
        const finish = () => {
          if (done) return
          done = true
          resolve()
        }
        const timer = setTimeout(finish, maxWaitMs)
        if (typeof video.requestVideoFrameCallback === 'function') {
          video.requestVideoFrameCallback(() => {
            clearTimeout(timer)
            // resolve in a macrotask, after the browser has had its turn
            setTimeout(finish, 0)
          })
        }
      })
    },
    ended,
    close() {
      for (const t of stream.getTracks()) t.stop()
      video.srcObject = null
    },
  }
}
