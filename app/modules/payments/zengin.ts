import iconv from 'iconv-lite';

// 全銀協 総合振込 (Zengin general transfer) fixed-length file: 120-byte records — header (1),
// data (2), trailer (8), end (9) — in half-width kana, Shift_JIS, each record ending in CRLF.

export class ZenginError extends Error {
  constructor(
    public readonly field: string,
    public readonly value: string,
  ) {
    super(`${field}: cannot be written in the Zengin format: ${value}`);
    this.name = 'ZenginError';
  }
}

const SMALL: Record<string, string> = {
  ｧ: 'ｱ',
  ｨ: 'ｲ',
  ｩ: 'ｳ',
  ｪ: 'ｴ',
  ｫ: 'ｵ',
  ｬ: 'ﾔ',
  ｭ: 'ﾕ',
  ｮ: 'ﾖ',
  ｯ: 'ﾂ',
};

// Full-width katakana → half-width (voiced ones as base + ﾞ/ﾟ).
const FULL =
  'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォャュョッー';
const HALF = 'ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｬｭｮｯｰ';
const VOICED = 'ガギグゲゴザジズゼゾダヂヅデドバビブベボ';
const VOICED_BASE = 'ｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ';
const SEMI = 'パピプペポ';
const SEMI_BASE = 'ﾊﾋﾌﾍﾎ';

/** Characters a Zengin name field may hold (after conversion). */
const ALLOWED = /^[ｱ-ﾝﾞﾟ0-9A-Z ().,\-/\\｢｣]*$/;

/**
 * Converts a reading to the Zengin character set: hiragana and full-width katakana to
 * half-width kana, small kana to large, full-width Latin and digits to half-width upper case,
 * ー to -. Anything else (kanji, lower-case-only scripts, emoji) is refused.
 */
export function toZenginKana(input: string, field = 'name'): string {
  let out = '';
  for (const raw of input
    .normalize('NFKC')
    .replace(/[ａ-ｚＡ-Ｚ０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))) {
    let ch = raw;
    // Hiragana → katakana.
    if (ch >= 'ぁ' && ch <= 'ゖ') ch = String.fromCharCode(ch.charCodeAt(0) + 0x60);
    if (ch === 'ヴ') out += 'ｳﾞ';
    else if (VOICED.includes(ch)) out += VOICED_BASE[VOICED.indexOf(ch)] + 'ﾞ';
    else if (SEMI.includes(ch)) out += SEMI_BASE[SEMI.indexOf(ch)] + 'ﾟ';
    else if (FULL.includes(ch)) out += HALF[FULL.indexOf(ch)];
    else if (ch === '　') out += ' ';
    else if (ch === '「') out += '｢';
    else if (ch === '」') out += '｣';
    // NFKC turns a lone half-width sound mark into a combining one.
    else if (ch === '\u3099' || ch === '゛') out += 'ﾞ';
    else if (ch === '\u309a' || ch === '゜') out += 'ﾟ';
    else out += ch;
  }
  out = out
    .toUpperCase()
    .replace(/[ｧｨｩｪｫｬｭｮｯ]/g, (c) => SMALL[c]!)
    .replace(/ｰ/g, '-');
  if (!ALLOWED.test(out)) throw new ZenginError(field, input);
  return out;
}

/** Left-justified, space-padded to a byte width (kana are one byte in Shift_JIS). */
function text(v: string, width: number, field: string): string {
  const bytes = iconv.encode(v, 'Shift_JIS').length;
  if (bytes !== v.length) throw new ZenginError(field, v);
  if (v.length > width) return v.slice(0, width);
  return v + ' '.repeat(width - v.length);
}

function num(v: number | string, width: number, field: string): string {
  const s = String(v);
  if (!/^[0-9]+$/.test(s) || s.length > width) throw new ZenginError(field, s);
  return s.padStart(width, '0');
}

const ACCOUNT_TYPE = { ordinary: '1', current: '2', savings: '4' } as const;

export interface ZenginPayer {
  consignorCode: string; // 10 digits
  consignorName: string; // kana
  bankCode: string;
  bankName: string;
  branchCode: string;
  branchName: string;
  accountType: keyof typeof ACCOUNT_TYPE;
  accountNumber: string;
}

export interface ZenginTransfer {
  bankCode: string;
  bankName?: string;
  branchCode: string;
  branchName?: string;
  accountType: keyof typeof ACCOUNT_TYPE;
  accountNumber: string;
  holderKana: string;
  amount: number;
  /** e.g. the statement reference, in 顧客コード1 (digits only, up to 10). */
  customerCode?: string;
}

/** The records as strings of exactly 120 characters each (all single-byte). */
export function zenginRecords(
  payer: ZenginPayer,
  transferDate: string, // YYYY-MM-DD
  transfers: ZenginTransfer[],
): string[] {
  const header =
    '1' +
    '21' +
    '0' +
    num(payer.consignorCode, 10, 'consignorCode') +
    text(toZenginKana(payer.consignorName, 'consignorName'), 40, 'consignorName') +
    transferDate.slice(5, 7) +
    transferDate.slice(8, 10) +
    num(payer.bankCode, 4, 'bankCode') +
    text(toZenginKana(payer.bankName, 'bankName'), 15, 'bankName') +
    num(payer.branchCode, 3, 'branchCode') +
    text(toZenginKana(payer.branchName, 'branchName'), 15, 'branchName') +
    ACCOUNT_TYPE[payer.accountType] +
    num(payer.accountNumber, 7, 'accountNumber') +
    ' '.repeat(17);
  const data = transfers.map((t, i) => {
    const f = (name: string) => `transfers[${i}].${name}`;
    if (!Number.isInteger(t.amount) || t.amount <= 0)
      throw new ZenginError(f('amount'), String(t.amount));
    return (
      '2' +
      num(t.bankCode, 4, f('bankCode')) +
      text(toZenginKana(t.bankName ?? '', f('bankName')), 15, f('bankName')) +
      num(t.branchCode, 3, f('branchCode')) +
      text(toZenginKana(t.branchName ?? '', f('branchName')), 15, f('branchName')) +
      ' '.repeat(4) +
      ACCOUNT_TYPE[t.accountType] +
      num(t.accountNumber, 7, f('accountNumber')) +
      text(toZenginKana(t.holderKana, f('holderKana')), 30, f('holderKana')) +
      num(t.amount, 10, f('amount')) +
      '0' +
      text(t.customerCode ?? '', 10, f('customerCode')) +
      ' '.repeat(10) +
      '7' + // 振込指定区分: テレ振込 (electronic transfer)
      ' ' +
      ' '.repeat(7)
    );
  });
  const total = transfers.reduce((s, t) => s + t.amount, 0);
  const trailer =
    '8' + num(transfers.length, 6, 'count') + num(total, 12, 'total') + ' '.repeat(101);
  const end = '9' + ' '.repeat(119);
  const records = [header, ...data, trailer, end];
  for (const r of records)
    if (r.length !== 120) throw new Error(`Zengin record of ${r.length} characters`);
  return records;
}

/** The file: Shift_JIS bytes, each record followed by CRLF. */
export function zenginFile(
  payer: ZenginPayer,
  transferDate: string,
  transfers: ZenginTransfer[],
): Buffer {
  return iconv.encode(
    zenginRecords(payer, transferDate, transfers)
      .map((r) => `${r}\r\n`)
      .join(''),
    'Shift_JIS',
  );
}
