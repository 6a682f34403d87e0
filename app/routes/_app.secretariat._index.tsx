import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice } from '~/components/forms';
import { requireRole } from '~/modules/auth/auth.server';
import { userCounts } from '~/modules/auth/users.server';
import { mailStatusCounts } from '~/modules/mail/mail.server';
import { expiringMous } from '~/modules/partners/mous.server';
import { tokyoToday } from '~/modules/partners/partners.server';
import { db } from '~/lib/db.server';
import { formatDate } from '~/lib/format';

export const meta: MetaFunction = () => [{ title: '事務局 / Secretariat' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ['secretariat']);
  const [users, mail, expiring] = await Promise.all([
    userCounts(),
    mailStatusCounts(),
    expiringMous(db, tokyoToday(), 60),
  ]);
  const sum = (status: string) =>
    users.filter((u) => u.status === status).reduce((a, u) => a + u.n, 0);
  return { name: user.name, active: sum('active'), invited: sum('invited'), mail, expiring };
}

export default function SecretariatHome() {
  const { name, active, invited, mail, expiring } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  return (
    <>
      <h1>{t('secretariat.title')}</h1>
      <p>{t('secretariat.welcome', { name })}</p>
      {mail.failed > 0 ? (
        <Notice kind="error">
          {t('secretariat.mailFailedAlert')}{' '}
          <Link to="/secretariat/mail?status=failed">{t('secretariat.viewMail')}</Link>
        </Notice>
      ) : null}
      <div className="cards">
        <section className="card" aria-labelledby="card-users">
          <h2 id="card-users">{t('secretariat.usersCard')}</h2>
          <p className="stat">{t('secretariat.activeUsers', { n: active })}</p>
          <p>{t('secretariat.invitedUsers', { n: invited })}</p>
          <Link to="/secretariat/users">{t('secretariat.manageUsers')}</Link>
        </section>
        <section className="card" aria-labelledby="card-mail">
          <h2 id="card-mail">{t('secretariat.mailCard')}</h2>
          <p className="stat">{t('secretariat.mailQueued', { n: mail.queued + mail.sending })}</p>
          <p className={mail.failed ? 'text-danger' : undefined}>
            {t('secretariat.mailFailed', { n: mail.failed })}
          </p>
          <Link to="/secretariat/mail">{t('secretariat.viewMail')}</Link>
        </section>
        <section className="card" aria-labelledby="card-mous">
          <h2 id="card-mous">{t('mou.expiringTitle')}</h2>
          {expiring.length === 0 ? (
            <p>{t('mou.expiringEmpty')}</p>
          ) : (
            <ul className="history">
              {expiring.slice(0, 20).map((m) => (
                <li key={m.id}>
                  <Link to={`/partners/${m.partner_id}`}>{m.partner_name}</Link>{' '}
                  <span className="muted">
                    {m.reference_no} ·{' '}
                    {t('mou.until', { date: formatDate(m.valid_until!, locale) })}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <Link to="/partners?mou=expiring">{t('partners.title')}</Link>
        </section>
      </div>
    </>
  );
}
