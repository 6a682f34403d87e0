export type Locale = 'ja' | 'en';
export const TIME_ZONE = 'Asia/Tokyo';

/**
 * Building an Intl formatter costs far more than formatting with one (a board of 50 rows spent
 * most of its render time constructing them): each kind is built once per locale and reused.
 */
function cached<A extends unknown[], F>(build: (...args: A) => F) {
  const made = new Map<string, F>();
  return (...args: A): F => {
    const key = args.join('|');
    let f = made.get(key);
    if (!f) made.set(key, (f = build(...args)));
    return f;
  };
}

const bcp47 = (locale: Locale) => (locale === 'ja' ? 'ja-JP' : 'en-GB');

const day = (locale: Locale): Intl.DateTimeFormatOptions => ({
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: locale === 'ja' ? 'long' : 'short',
  day: 'numeric',
});
const clock: Intl.DateTimeFormatOptions = {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
};
const dateTimeFormat = cached(
  (locale: Locale) => new Intl.DateTimeFormat(bcp47(locale), { ...day(locale), ...clock }),
);
const dateFormat = cached((locale: Locale) => new Intl.DateTimeFormat(bcp47(locale), day(locale)));
const timeFormat = cached((locale: Locale) => new Intl.DateTimeFormat(bcp47(locale), clock));
const secondsFormat = cached(
  (locale: Locale) =>
    new Intl.DateTimeFormat(bcp47(locale), {
      timeZone: TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    }),
);
// 'sv-SE' writes dates as YYYY-MM-DD.
const isoDateFormat = cached(() => new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE }));
const numberFormat = cached(() => new Intl.NumberFormat('ja-JP'));

/** Date and time as people in Japan read it, whatever the server's or browser's zone. */
export function formatDateTime(d: Date | string, locale: Locale): string {
  return dateTimeFormat(locale).format(new Date(d));
}

export function formatDate(d: Date | string, locale: Locale): string {
  return dateFormat(locale).format(new Date(d));
}

/** Today's date in Tokyo, 'YYYY-MM-DD' (the form date columns are compared in). */
export function tokyoDate(d: Date = new Date()): string {
  return isoDateFormat().format(d);
}

export function formatTime(d: Date | string, locale: Locale): string {
  return timeFormat(locale).format(new Date(d));
}

/** To the second, for the audit log. */
export function formatSeconds(d: Date | string, locale: Locale): string {
  return secondsFormat(locale).format(new Date(d));
}

/** A count or an amount with thousands separators: 12,345. */
export function formatNumber(n: number): string {
  return numberFormat().format(n);
}

/** Both languages at once, for emails whose recipients' language we render separately. */
export function bilingualDateTime(d: Date | string) {
  return { ja: formatDateTime(d, 'ja'), en: formatDateTime(d, 'en') };
}

/** Integer yen as written on statements: ¥12,345 and -¥500. */
export function yen(n: number): string {
  return `${n < 0 ? '-' : ''}¥${formatNumber(Math.abs(n))}`;
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
