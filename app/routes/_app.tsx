import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, NavLink, Outlet, useLoaderData, useRouteLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { LanguageSwitch } from '~/components/language-switch';
import { isProduction } from '~/lib/env.server';
import { homePath, requireUser } from '~/modules/auth/auth.server';

type NavKey =
  | 'home'
  | 'board'
  | 'visits'
  | 'trainings'
  | 'meetings'
  | 'payments'
  | 'statements'
  | 'apiTokens'
  | 'audit'
  | 'reports'
  | 'partners'
  | 'organisation'
  | 'users'
  | 'mail'
  | 'devMailbox'
  | 'account';

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const nav: { to: string; key: NavKey }[] = [{ to: homePath(user.role), key: 'home' }];
  if (user.role !== 'partner') {
    nav.push(
      { to: '/requests', key: 'board' },
      { to: '/visits', key: 'visits' },
      { to: '/partners', key: 'partners' },
    );
  } else
    nav.push(
      { to: '/partner/organisation', key: 'organisation' },
      { to: '/partner/trainings', key: 'trainings' },
      { to: '/partner/statements', key: 'statements' },
    );
  if (user.role === 'secretariat') {
    nav.push(
      { to: '/trainings', key: 'trainings' },
      { to: '/meetings', key: 'meetings' },
      { to: '/payments', key: 'payments' },
      { to: '/reports', key: 'reports' },
      { to: '/secretariat/users', key: 'users' },
      { to: '/secretariat/mail', key: 'mail' },
      { to: '/secretariat/api-tokens', key: 'apiTokens' },
      { to: '/secretariat/audit', key: 'audit' },
    );
    if (!isProduction()) nav.push({ to: '/secretariat/dev-mailbox', key: 'devMailbox' });
  }
  nav.push({ to: '/account', key: 'account' });
  return { user: { name: user.name, role: user.role }, nav };
}

export default function AppLayout() {
  const data = useLoaderData<typeof loader>();
  return (
    <AppShell data={data}>
      <Outlet />
    </AppShell>
  );
}

/** A page's error keeps the header and menu around it, so the user is never stranded. */
export function ErrorBoundary() {
  const data = useRouteLoaderData<typeof loader>('routes/_app');
  if (!data) {
    return (
      <main id="main" className="container narrow">
        <GeneralErrorBoundary />
      </main>
    );
  }
  return (
    <AppShell data={data}>
      <GeneralErrorBoundary />
    </AppShell>
  );
}

function AppShell({
  data: { user, nav },
  children,
}: {
  data: Awaited<ReturnType<typeof loader>>;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      <a href="#main" className="skip-link">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <div className="container header-row">
          <Link to="/" className="brand">
            {t('app.name')}
          </Link>
          <div className="header-user">
            <span className="user-name">
              {user.name}{' '}
              <span className={`role-badge role-${user.role}`}>{t(`roles.${user.role}`)}</span>
            </span>
            <LanguageSwitch />
            <Form method="post" action="/logout">
              <button type="submit" className="link-button">
                {t('nav.logout')}
              </button>
            </Form>
          </div>
        </div>
        <nav aria-label={t('nav.label')} className="container app-nav">
          <ul>
            {nav.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.key === 'home'}>
                  {t(`nav.${item.key}`)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="container" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
