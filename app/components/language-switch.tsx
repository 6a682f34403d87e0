import { Form, useLocation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

/** A form, so it works before JavaScript loads and before login. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const other = i18n.language === 'en' ? 'ja' : 'en';
  return (
    <Form method="post" action="/language" className="language-switch">
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button type="submit" name="lng" value={other} lang={other} className="link-button">
        {t('language.switchTo')}
      </button>
    </Form>
  );
}
