// Client-safe code lists and validators for the partner registry (no server imports here).

export const PARTNER_KINDS = [
  'municipality',
  'international_association',
  'public_agency',
  'npo',
  'lawyer',
  'administrative_scrivener',
  'labor_consultant',
  'individual',
  'other',
] as const;
export const PARTNER_STATUSES = ['prospective', 'active', 'suspended', 'retired'] as const;
/** ISO 639-1 codes plus `easy_ja` (やさしい日本語). Same list as the database check. */
export const LANGUAGES = [
  'ja',
  'easy_ja',
  'en',
  'zh',
  'pt',
  'es',
  'tl',
  'id',
  'vi',
  'my',
  'ne',
  'th',
  'ko',
  'km',
  'mn',
  'si',
  'bn',
  'hi',
  'ur',
  'fr',
  'ru',
  'uk',
  'ar',
  'fa',
  'tr',
  'uz',
  'lo',
  'ms',
] as const;
export const SPECIALTIES = [
  'hospital',
  'city_hall',
  'police',
  'school',
  'labor',
  'immigration',
  'dv',
  'mental_health',
  'childbirth',
  'housing',
  'interpretation',
  'legal',
  'welfare',
  'childcare',
  'tax',
  'disaster',
] as const;
export const ACCOUNT_TYPES = ['ordinary', 'current', 'savings'] as const;

export type PartnerKindCode = (typeof PARTNER_KINDS)[number];
export type LanguageCode = (typeof LANGUAGES)[number];
export type SpecialtyCode = (typeof SPECIALTIES)[number];

/**
 * 法人番号 / インボイス登録番号 check digit: the first of the 13 digits is
 * 9 − (Σ over the other 12 digits, counted from the right, of digit × (1 if odd position else 2)) mod 9.
 */
export function isValidCorporateNumber(digits13: string): boolean {
  if (!/^[0-9]{13}$/.test(digits13)) return false;
  const body = digits13.slice(1);
  let sum = 0;
  for (let n = 1; n <= 12; n++) {
    const d = Number(body[12 - n]);
    sum += d * (n % 2 === 1 ? 1 : 2);
  }
  return Number(digits13[0]) === 9 - (sum % 9);
}

/** "t1234…", "T-1234-…", full-width digits → "T1234567890123" (or the input unchanged if not 13 digits). */
export function normalizeInvoiceNumber(input: string): string {
  const s = input.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  return s;
}

export function isValidInvoiceNumber(t: string): boolean {
  return /^T[0-9]{13}$/.test(t) && isValidCorporateNumber(t.slice(1));
}

/** 〒 1234567 / １２３－４５６７ → 123-4567 */
export function normalizePostalCode(input: string): string {
  const digits = input.normalize('NFKC').replace(/[〒\s-]/g, '');
  return /^[0-9]{7}$/.test(digits) ? `${digits.slice(0, 3)}-${digits.slice(3)}` : input.trim();
}

const FULL =
  'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン';
const HALF = 'ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝ';
const VOICED = 'ガギグゲゴザジズゼゾダヂヅデドバビブベボ';
const VOICED_BASE = 'カキクケコサシスセソタチツテトハヒフヘホ';
const SEMI = 'パピプペポ';
const SMALL = 'ァィゥェォッャュョヮヵヶ';
const SMALL_LARGE = 'アイウエオツヤユヨワカケ';

/**
 * Bank account holder names as 全銀 transfer files need them: half-width katakana without small
 * kana, A–Z, 0–9, space and ( ) . - /. Accepts hiragana, full-width katakana and full-width ASCII.
 */
export function toZenginKana(input: string): string {
  let s = input.normalize('NFKC').toUpperCase();
  // hiragana → katakana
  s = s.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
  let out = '';
  for (const ch of s) {
    let c = ch;
    const small = SMALL.indexOf(c);
    if (small >= 0) c = SMALL_LARGE[small];
    const v = VOICED.indexOf(c);
    const p = SEMI.indexOf(c);
    if (c === 'ヴ') out += 'ｳﾞ';
    else if (v >= 0) out += HALF[FULL.indexOf(VOICED_BASE[v])] + 'ﾞ';
    else if (p >= 0) out += HALF[FULL.indexOf('ハヒフヘホ'[p])] + 'ﾟ';
    else if (FULL.includes(c)) out += HALF[FULL.indexOf(c)];
    else if (c === 'ー' || c === '‐' || c === '−' || c === '―') out += '-';
    else if (c === '・') out += '.';
    else if (c === '　') out += ' ';
    else out += c;
  }
  return out.replace(/\s+/g, ' ').trim();
}

export const ZENGIN_KANA_RE = /^[ｱ-ﾟA-Z0-9 ().\-/]{1,30}$/;

/** Reading in kana (hiragana or katakana), as people type it for 名前の読み. */
export const KANA_RE = /^[\u3041-\u3096\u30A1-\u30FA\u30FC\u30FB\u3000 ・ー]+$/;
