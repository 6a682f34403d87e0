import { describe, expect, it } from 'vitest';
import en from '~/i18n/en';
import { createI18n } from '~/i18n/i18n';
import ja from '~/i18n/ja';
import { resolveLocale } from '~/i18n/locale.server';
import {
  formatDate,
  formatDateTime,
  formatNumber,
  formatSeconds,
  formatTime,
  tokyoDate,
  yen,
} from '~/lib/format';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`),
  );
}

describe('catalogs', () => {
  it('English has exactly the Japanese keys, none empty', () => {
    expect(keys(en).sort()).toEqual(keys(ja).sort());
    for (const k of keys(en)) expect(k && createI18n('en').t(k as never)).not.toBe('');
  });
  it('interpolates', () => {
    expect(createI18n('ja').t('secretariat.welcome', { name: '佐藤' })).toBe(
      '佐藤 さん、おつかれさまです。',
    );
    expect(createI18n('en').t('secretariat.welcome', { name: 'Sato' })).toBe('Welcome, Sato.');
  });
});

describe('locale before login', () => {
  const req = (headers: Record<string, string>) =>
    new Request('http://localhost/login', { headers });
  it('uses the cookie, then the browser language, then Japanese', async () => {
    expect(await resolveLocale(req({ Cookie: 'lng=en', 'Accept-Language': 'ja' }))).toBe('en');
    expect(
      await resolveLocale(req({ 'Accept-Language': 'vi-VN,vi;q=0.9,en;q=0.8,ja;q=0.5' })),
    ).toBe('en');
    expect(await resolveLocale(req({ 'Accept-Language': 'fr-FR' }))).toBe('ja');
    expect(await resolveLocale(req({}))).toBe('ja');
  });
});

describe('dates are shown in Asia/Tokyo', () => {
  it('whatever the process time zone', () => {
    // 15:30 UTC is 00:30 the next day in Tokyo.
    expect(formatDateTime('2026-03-31T15:30:00Z', 'ja')).toBe('2026年4月1日 00:30');
    expect(formatDateTime('2026-03-31T15:30:00Z', 'en')).toBe('1 Apr 2026, 00:30');
  });

  it('each format and language keeps its own (reused) formatter, in any order of calls', () => {
    const at = '2026-03-31T15:30:05Z';
    for (let i = 0; i < 2; i++) {
      expect(formatDate(at, 'en')).toBe('1 Apr 2026');
      expect(formatDate(at, 'ja')).toBe('2026年4月1日');
      expect(formatTime(at, 'ja')).toBe('00:30');
      expect(formatSeconds(at, 'ja')).toBe('2026/04/01 00:30:05');
      expect(formatSeconds(at, 'en')).toBe('01/04/2026, 00:30:05');
      expect(formatDateTime(at, 'en')).toBe('1 Apr 2026, 00:30');
      expect(tokyoDate(new Date(at))).toBe('2026-04-01');
    }
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(yen(-1500)).toBe('-¥1,500');
  });
});
