import { useEffect, useState, type CSSProperties } from 'react'
import type { ApiClient } from '../../api/api-client'
import type { ApiErrorCode } from '../../shared/api/result'
import { langFromLocales, t, type Lang } from '../../i18n/messages'
import type { HostRecovery } from '../recovery/RecoveryScreen'

/** What the page found when it asked the host first: not yet known, not paired, recovery mode, or ready. */
export type HostStart = { kind: 'asking' } | { kind: 'unpaired'; code: ApiErrorCode } | { kind: 'recovery'; recovery: HostRecovery } | { kind: 'ready' }

const UNPAIRED: ReadonlySet<ApiErrorCode> = new Set<ApiErrorCode>(['unauthorized', 'pair-code-used', 'pair-code-invalid'])

/**
 * Asks the host once (host/info, after pairing): a page that could not pair gets the pairing screen,
 * a host in recovery mode the recovery screen; anything else (including a host that cannot be
 * reached: the kiosk screen reports that itself) starts the kiosk.
 */
export function useHostStart(api: ApiClient): HostStart {
  const [start, setStart] = useState<HostStart>({ kind: 'asking' })
  useEffect(() => {
    let live = true
    void api.invoke('host/info', {}).then(
      (r) => {
        if (!live) return
        if (r.ok) setStart(r.data.recovery ? { kind: 'recovery', recovery: r.data.recovery } : { kind: 'ready' })
        else setStart(UNPAIRED.has(r.error.code) ? { kind: 'unpaired', code: r.error.code } : { kind: 'ready' })
      },
      () => {
        if (live) setStart({ kind: 'ready' })
      },
    )
    return () => {
      live = false
    }
  }, [api])
  return start
}

const S: Record<string, CSSProperties> = {
  main: { minHeight: '100vh', padding: '2rem 3rem', background: '#0f172a', color: '#f8fafc', fontSize: '1.15rem', lineHeight: 1.5 },
  title: { fontSize: '2.2rem', margin: '0 0 0.5rem', color: '#fcd34d' },
  pre: { background: '#1e293b', padding: '0.75rem 1rem', borderRadius: '0.5rem', userSelect: 'all' },
}

/**
 * Shown instead of the kiosk by a web page that is not paired with the host (opened without the
 * launch URL's code, or with a code already used): how to pair it, in the browser's language.
 */
export function PairingScreen({ code, lang: forced }: { code: ApiErrorCode; lang?: Lang }) {
  const lang: Lang = forced ?? langFromLocales(typeof navigator === 'undefined' ? [] : navigator.languages)
  return (
    <main className="pairing" data-testid="pairing" data-code={code} lang={lang} style={S.main}>
      <h1 style={S.title}>{t(lang, 'pairing.title')}</h1>
      <p>{t(lang, 'pairing.lead')}</p>
      {code === 'pair-code-used' || code === 'pair-code-invalid' ? <p data-testid="pairing-reason">{t(lang, `pairing.${code}`)}</p> : null}
      <p>{t(lang, 'pairing.how')}</p>
      <p>{t(lang, 'pairing.cli')}</p>
      <pre style={S.pre} data-testid="pairing-command">
        npm run cli -- pair
      </pre>
    </main>
  )
}
