import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import {
  Links,
  LiveReload,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteLoaderData,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { useNonce } from '~/components/nonce';
import { resolveLocale } from '~/i18n/locale.server';
import { getEnv } from '~/lib/env.server';
import { getUser } from '~/modules/auth/auth.server';
import appStyles from '~/styles/app.css';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: appStyles },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => [{ title: '伴走連携ネットワーク' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const [user, locale] = await Promise.all([getUser(request), resolveLocale(request)]);
  return {
    locale,
    user: user ? { name: user.name, role: user.role } : null,
    mapTileUrl: getEnv().MAP_TILE_URL,
  };
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root');
  // Inline scripts run only with this request's nonce (Content-Security-Policy, http.server.ts).
  const nonce = useNonce();
  return (
    <html lang={data?.locale ?? 'ja'}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
        <LiveReload nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { locale } = useLoaderData<typeof loader>();
  const { i18n } = useTranslation();
  // Resources are bundled, so this switch is synchronous: no flash of the other language.
  if (i18n.language !== locale) void i18n.changeLanguage(locale);
  return <Outlet />;
}

export function ErrorBoundary() {
  return (
    <main id="main" className="container narrow">
      <GeneralErrorBoundary />
    </main>
  );
}
