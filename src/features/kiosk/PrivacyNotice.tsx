import type { Lang } from '../../i18n/messages'
import { t } from '../../i18n/messages'
import { DEFAULT_PRIVACY_NOTICE } from '../../shared/privacy/privacy'
import { useKioskStore } from '../../store/kiosk-store'

/**
 * The privacy notice on the kiosk screen (UU PDP): what the camera does with a face, in the screen's
 * language; the admin's text from the settings, else the default text.
 */
export function PrivacyNotice({ lang }: { lang: Lang }) {
  const notice = useKioskStore((s) => s.settings?.privacyNotice) ?? DEFAULT_PRIVACY_NOTICE
  const text = notice[lang] || DEFAULT_PRIVACY_NOTICE[lang]
  return (
    <aside className="privacy-notice" data-testid="privacy-notice" lang={lang} aria-label={t(lang, 'privacy.title')}>
      <span className="privacy-notice-title">{t(lang, 'privacy.title')}</span> {text}
    </aside>
  )
}
