import { formatTime, greetingKey, t, type Lang } from '../../i18n/messages'
import { useKioskStore } from '../../store/kiosk-store'

/** "Selamat pagi, Budi — Masuk 08:01", or "Sudah tercatat pukul 08:01" within the cooldown. */
export function MatchBanner({ lang }: { lang: Lang }) {
  const banner = useKioskStore((s) => s.banner)
  const phase = useKioskStore((s) => s.phase)
  if (!banner) return null
  const { event } = banner
  const time = formatTime(event.at)
  const greeting = t(lang, greetingKey(new Date().getHours()))
  return (
    <div className={`banner banner-${phase} direction-${event.direction}`} data-testid="banner-match" data-person-id={event.personId}>
      <div className="banner-title" data-testid="banner-name">
        {greeting}, {banner.name}
      </div>
      <div className="banner-sub">
        {phase === 'already-recorded' ? t(lang, 'already', { time }) : `${t(lang, event.direction === 'in' ? 'direction.in' : 'direction.out')} ${time}`}
      </div>
    </div>
  )
}
