import { getUser } from '~/modules/auth/auth.server';
import { DEFAULT_LOCALE, isLocale, type Locale } from './i18n';

export const LOCALE_COOKIE = 'lng';

function cookieLocale(request: Request): Locale | null {
  const header = request.headers.get('Cookie') ?? '';
  const m = header.match(/(?:^|;\s*)lng=(ja|en)(?:;|$)/);
  return m && isLocale(m[1]) ? m[1] : null;
}

function acceptLanguage(request: Request): Locale | null {
  const header = request.headers.get('Accept-Language');
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { lang: tag.trim().toLowerCase().slice(0, 2), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((x) => !Number.isNaN(x.q))
    .sort((a, b) => b.q - a.q);
  for (const { lang } of ranked) if (isLocale(lang)) return lang;
  return null;
}

/** The signed-in user's choice, else the pre-login cookie, else the browser's, else Japanese. */
export async function resolveLocale(request: Request): Promise<Locale> {
  const user = await getUser(request);
  return user?.locale ?? cookieLocale(request) ?? acceptLanguage(request) ?? DEFAULT_LOCALE;
}

export function localeCookie(locale: Locale): string {
  return `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
