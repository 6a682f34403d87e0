import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './language-switch';

/** Frame of the signed-out pages: login, invitation, password reset. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <main id="main" className="auth-page">
      <div className="auth-card">
        <div className="auth-head">
          <p className="brand">{t('app.name')}</p>
          <LanguageSwitch />
        </div>
        <h1>{title}</h1>
        {children}
      </div>
      <p className="auth-tagline">{t('app.tagline')}</p>
    </main>
  );
}
