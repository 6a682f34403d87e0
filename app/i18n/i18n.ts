import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en';
import ja, { type Catalog } from './ja';

export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ja';

export function isLocale(v: unknown): v is Locale {
  return v === 'ja' || v === 'en';
}

// Both catalogs are small enough to ship to the browser, so switching language never waits.
export const resources = { ja: { translation: ja }, en: { translation: en } } as const;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Catalog };
  }
}

export function createI18n(locale: Locale): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: locale,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    resources,
    interpolation: { escapeValue: false },
    initAsync: false,
    react: { useSuspense: false },
    showSupportNotice: false,
  });
  return instance;
}

/** Translates a key that arrives as data (validation messages from zod schemas, server codes). */
export function tKey(t: TFunction, key: string | undefined | null, vars?: Record<string, unknown>) {
  if (!key) return '';
  return (t as unknown as (k: string, v?: Record<string, unknown>) => string)(key, vars);
}
