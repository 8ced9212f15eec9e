/**
 * Pairing and call attestation (issue #14): the host hands an API session only to the page it
 * launched or paired, and only that page can record attendance.
 *
 * - **Codes.** A pairing code is 24 random bytes (base64url), good once. The web host makes one
 *   launch code at start (in memory, printed in its launch URL's fragment, `#pair=<code>`, which a
 *   browser never sends to a server); `npm run cli -- pair` makes more on the machine (stored as
 *   SHA-256 in `pairing_codes`, 10 minutes). A second use is `pair-code-used`, an unknown or expired
 *   code `pair-code-invalid`.
 * - **Sessions.** `kiosk/pair` exchanges a code for a session: id, bearer token (x-hadir-token on
 *   every HTTP call) and a 32-byte MAC key. Stored in `kiosk_sessions` (token as SHA-256, key sealed
 *   with the data key), so a page that reloads, or a host that restarts, goes on with the same
 *   session; unused for 30 days it expires, and at most 20 are kept (the least recently used go).
 * - **Attested calls** (ATTESTED_METHODS): the MAC over the call's arguments (shared/api/attest.ts)
 *   must match (`bad-mac`), and its counter must not have been used (`replayed`) nor be older than
 *   the 64-call window (`stale-counter`); none at all is `attestation-required`. The window is
 *   written to the database before the call runs, so a restart cannot reopen it.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { ATTEST_WINDOW, attestMessage, isAttestation, MAC_KEY_BYTES } from '../../../src/shared/api/attest'
import type { KioskPairing } from '../../../src/shared/api/contract'
import { HadirError } from '../../../src/shared/api/result'
import { withDbErrors } from '../db/sqlite'
import { open, seal } from '../secrets/crypto-box'
import { dataKeyOf } from '../secrets/store-key'
import { appendAudit } from '../store/audit-log'

export const CODE_BYTES = 24
export const STORED_CODE_TTL_MS = 10 * 60_000
export const SESSION_IDLE_MS = 30 * 24 * 3600_000
export const MAX_SESSIONS = 20

type Session = { id: string; key: Buffer; high: number; window: bigint; transport: string; lastSeenAt: number }

export type KioskSessions = {
  /** a new in-memory launch code (the web host prints it once at start) */
  issueLaunchCode(): string
  /** a code stored in the database for `ttlMs` (the CLI on the machine): any host on this database accepts it once */
  issueStoredCode(createdBy: string, ttlMs?: number): { code: string; expiresAt: number }
  /** exchanges a code (none over IPC: only our own page reaches IPC) for a new session */
  pair(code: string | undefined, transport: 'http' | 'ipc' | 'direct'): KioskPairing
  /** the session id of a bearer token, or null (unknown, expired) */
  sessionOfToken(token: string | undefined): string | null
  /**
   * Checks an attested call's counter and MAC over `args` as received. `boundSession`: the session
   * the transport authenticated (HTTP's bearer token); the attestation must name the same one.
   * Throws 'attestation-required', 'unauthorized', 'bad-mac', 'replayed', 'stale-counter'.
   */
  verify(method: string, args: unknown, attest: unknown, boundSession?: string | null): { session: string }
  /** forgets every session (tests, "un-pair all") */
  revokeAll(): number
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')
const aadOf = (id: string): string => `kiosk-session:${id}`
const WINDOW_MASK = (1n << BigInt(ATTEST_WINDOW)) - 1n

export function createKioskSessions(db: Database, opts: { now: () => number; random?: (n: number) => Buffer }): KioskSessions {
  const now = opts.now
  const random = opts.random ?? randomBytes
  /** launch codes of this process: hash → used */
  const launchCodes = new Map<string, boolean>()
  const cache = new Map<string, Session>()

  const load = (id: string): Session | null => {
    const hit = cache.get(id)
    if (hit) return hit
    const row = db.prepare('SELECT id, mac_key, transport, counter_high, counter_window, last_seen_at FROM kiosk_sessions WHERE id = ?').get(id) as
      | { id: string; mac_key: Buffer; transport: string; counter_high: number; counter_window: string; last_seen_at: number }
      | undefined
    if (!row) return null
    if (now() - row.last_seen_at > SESSION_IDLE_MS) return null
    const s: Session = { id: row.id, key: open(row.mac_key, dataKeyOf(db), aadOf(row.id)), high: row.counter_high, window: BigInt(`0x${row.counter_window}`), transport: row.transport, lastSeenAt: row.last_seen_at }
    cache.set(id, s)
    return s
  }

  const prune = (t: number): void => {
    db.prepare('DELETE FROM kiosk_sessions WHERE last_seen_at < ?').run(t - SESSION_IDLE_MS)
    db.prepare('DELETE FROM pairing_codes WHERE expires_at < ?').run(t - 24 * 3600_000)
    const extra = db.prepare('SELECT id FROM kiosk_sessions ORDER BY last_seen_at DESC LIMIT -1 OFFSET ?').all(MAX_SESSIONS - 1) as Array<{ id: string }>
    for (const { id } of extra) db.prepare('DELETE FROM kiosk_sessions WHERE id = ?').run(id)
    for (const id of cache.keys()) if (!db.prepare('SELECT 1 FROM kiosk_sessions WHERE id = ?').get(id)) cache.delete(id)
  }

  /** Takes a code once: true, or throws pair-code-used / pair-code-invalid. */
  const consume = (code: string, t: number, sessionId: string): void => {
    const hash = sha256(code)
    const launch = launchCodes.get(hash)
    if (launch !== undefined) {
      if (launch) throw new HadirError('pair-code-used', 'This pairing code was already used: each code pairs one page. Start the kiosk again or run `npm run cli -- pair` for a new one.')
      launchCodes.set(hash, true)
      return
    }
    const taken = db.prepare('UPDATE pairing_codes SET used_at = ?, session_id = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?').run(t, sessionId, hash, t)
    if (taken.changes === 1) return
    const row = db.prepare('SELECT used_at FROM pairing_codes WHERE code_hash = ?').get(hash) as { used_at: number | null } | undefined
    if (row?.used_at != null) throw new HadirError('pair-code-used', 'This pairing code was already used: each code pairs one page. Run `npm run cli -- pair` for a new one.')
    throw new HadirError('pair-code-invalid', 'This pairing code is not valid here (mistyped, expired, or from another kiosk). Open the address the kiosk printed, or run `npm run cli -- pair`.')
  }

  return {
    issueLaunchCode() {
      const code = random(CODE_BYTES).toString('base64url')
      launchCodes.set(sha256(code), false)
      return code
    },

    issueStoredCode(createdBy, ttlMs = STORED_CODE_TTL_MS) {
      const code = random(CODE_BYTES).toString('base64url')
      const t = now()
      withDbErrors(() => db.prepare('INSERT INTO pairing_codes (code_hash, created_at, expires_at, created_by) VALUES (?, ?, ?, ?)').run(sha256(code), t, t + ttlMs, createdBy))
      return { code, expiresAt: t + ttlMs }
    },

    pair(code, transport) {
      if (transport === 'http' && (typeof code !== 'string' || code === '')) {
        throw new HadirError('pair-code-invalid', 'Pairing needs the one-time code of the address the kiosk printed (…/#pair=<code>), or one from `npm run cli -- pair`.')
      }
      const t = now()
      const id = random(16).toString('base64url')
      const token = random(32).toString('base64url')
      const key = random(MAC_KEY_BYTES)
      return withDbErrors(() =>
        db.transaction((): KioskPairing => {
          // over IPC only our own page can ask (electron/main checks the sender): it needs no code
          if (transport === 'http') consume(code as string, t, id)
          prune(t)
          db.prepare('INSERT INTO kiosk_sessions (id, token_hash, mac_key, transport, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)').run(
            id,
            sha256(token),
            seal(key, dataKeyOf(db), aadOf(id)),
            transport,
            t,
            t,
          )
          appendAudit(db, { at: t, actor: transport, action: 'kiosk.paired', subject: id, details: { transport, by: transport === 'http' ? 'code' : 'own-page' } })
          cache.set(id, { id, key: Buffer.from(key), high: 0, window: 0n, transport, lastSeenAt: t })
          return { session: id, token, macKey: key.toString('base64url') }
        })(),
      )
    },

    sessionOfToken(token) {
      if (typeof token !== 'string' || token.length < 16 || token.length > 200) return null
      const row = db.prepare('SELECT id, last_seen_at FROM kiosk_sessions WHERE token_hash = ?').get(sha256(token)) as { id: string; last_seen_at: number } | undefined
      const t = now()
      if (!row || t - row.last_seen_at > SESSION_IDLE_MS) return null
      // a page that only reads (no check-ins for a while) is still in use: seen at most once an hour
      if (t - row.last_seen_at > 3600_000) withDbErrors(() => db.prepare('UPDATE kiosk_sessions SET last_seen_at = ? WHERE id = ?').run(t, row.id))
      return row.id
    },

    verify(method, args, attest, boundSession) {
      if (!isAttestation(attest)) {
        throw new HadirError('attestation-required', 'This call records attendance and must come from the paired kiosk page (session counter and MAC missing or malformed).')
      }
      if (boundSession != null && attest.session !== boundSession) throw new HadirError('bad-mac', "The call's MAC names another session than the one that sent it.")
      const s = withDbErrors(() => load(attest.session))
      if (!s) throw new HadirError('unauthorized', 'This page is not paired with the kiosk (or its pairing expired): open the address the kiosk printed.')
      let message: string
      try {
        message = attestMessage(method, s.id, attest.counter, args)
      } catch {
        throw new HadirError('bad-mac', "The call's arguments cannot be put in canonical JSON, so its MAC cannot match.")
      }
      const expected = createHmac('sha256', s.key).update(message, 'utf8').digest()
      const given = Buffer.from(attest.mac, 'base64url')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new HadirError('bad-mac', "The call's MAC does not match its arguments: it was altered, or it does not come from the paired page.")
      }
      // the replay window: counters above the highest move it; below it, each counter once
      let { high, window } = s
      const c = attest.counter
      if (c > high) {
        const shift = c - high
        window = shift >= ATTEST_WINDOW ? 0n : (window << BigInt(shift)) & WINDOW_MASK
        window |= 1n
        high = c
      } else {
        const d = high - c
        if (d >= ATTEST_WINDOW) throw new HadirError('stale-counter', `The call's counter ${c} is older than this session's last ${ATTEST_WINDOW} calls (newest ${high}).`, { counter: c, newest: high })
        const bit = 1n << BigInt(d)
        if ((window & bit) !== 0n) throw new HadirError('replayed', `The call with counter ${c} was already received: a call is accepted once.`, { counter: c })
        window |= bit
      }
      const t = now()
      withDbErrors(() => db.prepare('UPDATE kiosk_sessions SET counter_high = ?, counter_window = ?, last_seen_at = ? WHERE id = ?').run(high, window.toString(16), t, s.id))
      s.high = high
      s.window = window
      s.lastSeenAt = t
      return { session: s.id }
    },

    revokeAll() {
      cache.clear()
      launchCodes.clear()
      return withDbErrors(() => db.prepare('DELETE FROM kiosk_sessions').run().changes)
    },
  }
}
