/**
 * Audit rows for refused security checks (a bad or replayed attested call, a pairing code guessed or
 * used twice, a call without a session, a PIN flood), throttled so that a flood cannot fill the disk:
 * per code at most `perMinute` rows a minute; what was left out is counted in the next row written
 * (`details.suppressed`). Never the arguments themselves (embeddings, PINs).
 */
import type { Database } from 'better-sqlite3'
import { appendAudit } from '../store/audit-log'

export type SecurityAudit = {
  /** one refusal: `code` is the stable error code the caller got */
  refused(code: string, details: Record<string, string | number | boolean | null>): void
}

export function createSecurityAudit(db: Database, opts: { now: () => number; perMinute?: number; log?: (line: string) => void }): SecurityAudit {
  const perMinute = opts.perMinute ?? 20
  const windows = new Map<string, { start: number; written: number; suppressed: number }>()
  return {
    refused(code, details) {
      const t = opts.now()
      let w = windows.get(code)
      if (!w || t - w.start >= 60_000) {
        w = { start: t, written: 0, suppressed: w?.suppressed ?? 0 }
        windows.set(code, w)
      }
      if (w.written >= perMinute) {
        w.suppressed++
        return
      }
      w.written++
      const suppressed = w.suppressed
      w.suppressed = 0
      try {
        appendAudit(db, { at: t, actor: 'security', action: 'security.refused', subject: code, details: suppressed > 0 ? { ...details, suppressed } : details })
      } catch (err) {
        // a full disk must not turn a refusal into a crash: the caller still gets its error code
        opts.log?.(`[hadir] cannot audit a refused call (${code}): ${err instanceof Error ? err.message : String(err)}`)
      }
    },
  }
}
