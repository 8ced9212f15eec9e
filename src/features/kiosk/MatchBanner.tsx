import { formatHours, formatTime, greetingKey, t, type Lang } from '../../i18n/messages'
import { useKioskStore, type Banner, type KioskPhase } from '../../store/kiosk-store'

/** The banner's kind: a check-in, a check-out, or "already recorded" (each its own colour and tone). */
export type BannerKind = 'in' | 'out' | 'already'

export const bannerKindOf = (phase: KioskPhase, banner: Banner): BannerKind => (phase === 'already-recorded' ? 'already' : banner.event.direction)

/** The banner's two lines, also what the live region announces. */
export function bannerLines(lang: Lang, kind: BannerKind, banner: Banner, hour = new Date().getHours()): { title: string; sub: string; hours: string | null } {
  const { event } = banner
  const time = formatTime(event.at)
  const hours = banner.workedTodayMs !== undefined && banner.workedTodayMs > 0 ? t(lang, 'hours.today', { hours: formatHours(banner.workedTodayMs, lang) }) : null
  switch (kind) {
    case 'in':
      return { title: `${t(lang, greetingKey(hour))}, ${banner.name}`, sub: t(lang, 'in.at', { time }), hours: null }
    case 'out':
      return { title: `${t(lang, 'bye')}, ${banner.name}`, sub: t(lang, 'out.at', { time }), hours }
    case 'already':
      return { title: banner.name, sub: t(lang, event.direction === 'in' ? 'already.in' : 'already.out', { time }), hours: event.direction === 'out' ? hours : null }
  }
}

/**
 * Check-in: "Selamat pagi, Budi / Masuk pukul 08:01"; check-out: "Sampai jumpa, Budi / Pulang pukul
 * 17:02 / 9 jam 01 menit hari ini"; already recorded: which direction and when.
 */
export function MatchBanner({ lang }: { lang: Lang }) {
  const banner = useKioskStore((s) => s.banner)
  const phase = useKioskStore((s) => s.phase)
  if (!banner) return null
  const kind = bannerKindOf(phase, banner)
  const lines = bannerLines(lang, kind, banner)
  return (
    <div
      className={`banner banner-match banner-${phase} banner-kind-${kind} direction-${banner.event.direction}`}
      data-testid="banner-match"
      data-kind={kind}
      data-person-id={banner.event.personId}
      data-worked-ms={banner.workedTodayMs}
    >
      <div className="banner-icon" aria-hidden="true">
        {kind === 'in' ? '→' : kind === 'out' ? '←' : '✓'}
      </div>
      <div className="banner-text">
        <div className="banner-title" data-testid="banner-name">
          {lines.title}
        </div>
        <div className="banner-sub">{lines.sub}</div>
        {lines.hours ? (
          <div className="banner-hours" data-testid="banner-hours">
            {lines.hours}
          </div>
        ) : null}
      </div>
    </div>
  )
}
