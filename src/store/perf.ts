/**
 * Rolling figures of the recognition loop for diagnostics: frames per second and per-stage times
 * (ms, mean of the last 30 frames). Kept outside the store: it changes every frame.
 */
const WINDOW = 30

type Series = number[]
const stages: Record<string, Series> = {}
const frameTimes: number[] = []

function push(s: Series, v: number): void {
  s.push(v)
  if (s.length > WINDOW) s.shift()
}

const mean = (s: Series): number | null => (s.length ? Math.round((s.reduce((a, b) => a + b, 0) / s.length) * 10) / 10 : null)

export const perf = {
  /** one processed frame that took `ms` in detection */
  frame(ms: number): void {
    push(frameTimes, performance.now())
    push((stages['detect'] ??= []), ms)
  },
  stage(name: string, ms: number): void {
    push((stages[name] ??= []), ms)
  },
  snapshot(): { fps: number | null; stagesMs: Record<string, number | null> } {
    const first = frameTimes[0]
    const last = frameTimes[frameTimes.length - 1]
    const fps = first !== undefined && last !== undefined && last > first ? Math.round(((frameTimes.length - 1) * 1000 * 10) / (last - first)) / 10 : null
    return { fps, stagesMs: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, mean(v)])) }
  },
}
