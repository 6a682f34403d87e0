export type Locale = 'ja' | 'en';
export const TIME_ZONE = 'Asia/Tokyo';

/** Date and time as people in Japan read it, whatever the server's or browser's zone. */
export function formatDateTime(d: Date | string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: locale === 'ja' ? 'long' : 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(d));
}

export function formatDate(d: Date | string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: locale === 'ja' ? 'long' : 'short',
    day: 'numeric',
  }).format(new Date(d));
}

/** Today's date in Tokyo, 'YYYY-MM-DD' (the form date columns are compared in). */
export function tokyoDate(d: Date = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE }).format(d);
}

export function formatTime(d: Date | string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(d));
}

/** Both languages at once, for emails whose recipients' language we render separately. */
export function bilingualDateTime(d: Date | string) {
  return { ja: formatDateTime(d, 'ja'), en: formatDateTime(d, 'en') };
}

/** Integer yen as written on statements: ¥12,345 and -¥500. */
export function yen(n: number): string {
  return `${n < 0 ? '-' : ''}¥${Math.abs(n).toLocaleString('ja-JP')}`;
}

/**
 * 'YYYY-MM-DD' naming a day that exists, between 1900 and 2200 (the pattern alone lets
 * 2026-02-30 through, which PostgreSQL then refuses).
 */
export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return (
    y >= 1900 &&
    y <= 2200 &&
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d
  );
}
